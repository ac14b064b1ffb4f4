import { sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { appUser } from './auth';
import { clinic, room } from './tenancy';
import { patient } from './patients';
import { appointment } from './scheduling';

export const queueTokenStatus = pgEnum('queue_token_status', ['waiting', 'with_doctor', 'completed', 'skipped', 'no_show', 'cancelled']);
/** How the patient arrived against their appointment; walk-ins had none. */
export const arrivalTiming = pgEnum('arrival_timing', ['on_time', 'early', 'late', 'walk_in']);

/**
 * One check-in: a token number unique per clinic, day and prefix (the prefix is empty for
 * clinic-wide numbering, `D2` and so on when the clinic numbers per doctor). Numbers come from
 * the clinic counter in the check-in's own transaction, so they are never issued twice or skipped.
 */
export const queueToken = pgTable(
	'queue_token',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		/** The clinic-local date the token belongs to. */
		day: date({ mode: 'string' }).notNull(),
		number: integer().notNull(),
		prefix: text().notNull().default(''),
		/** Null for a walk-in who will see whichever doctor calls them first. */
		doctorId: uuid().references(() => appUser.id),
		patientId: uuid()
			.notNull()
			.references(() => patient.id),
		appointmentId: uuid().references(() => appointment.id),
		status: queueTokenStatus().notNull().default('waiting'),
		arrival: arrivalTiming().notNull(),
		/** Minutes after (positive) or before (negative) the appointment's start; null for walk-ins. */
		arrivalMinutes: integer(),
		/** Why the patient came (a walk-in's reason for the visit, told at the desk). */
		reason: text().notNull().default(''),
		urgent: boolean().notNull().default(false),
		urgentReason: text(),
		urgentAt: timestamp({ withTimezone: true }),
		/** Set when a token re-enters the line (recalled after a skip, sent back): its place is then this time. */
		returnedAt: timestamp({ withTimezone: true }),
		/** When staff last moved the token by hand; orders tokens moved before the same one (see movedBeforeId). */
		movedAt: timestamp({ withTimezone: true }),
		/**
		 * Staff moved the token to just before this one; it keeps that place while the other
		 * waits, and goes next (after urgent tokens) once the other has been called.
		 */
		movedBeforeId: uuid(),
		skipCount: integer().notNull().default(0),
		callCount: integer().notNull().default(0),
		/** When the "two before you" notice went to the outbox, so it goes once. */
		nearNotifiedAt: timestamp({ withTimezone: true }),
		/** The doctor who called the token (a walk-in without a chosen doctor gets one here). */
		calledBy: uuid().references(() => appUser.id),
		/** The room the patient was called to (the doctor's room that day), for the display and the record. */
		roomId: uuid().references(() => room.id),
		/** Why a token left the line without being seen on it (`merged`: the patient's other token stands). */
		cancelReason: text(),
		checkedInAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
		calledAt: timestamp({ withTimezone: true }),
		completedAt: timestamp({ withTimezone: true }),
		createdBy: uuid().references(() => appUser.id),
		updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('queue_token_number_key').on(t.clinicId, t.day, t.prefix, t.number),
		uniqueIndex('queue_token_appointment_key').on(t.appointmentId),
		// One place in the line per patient per day: a second desk checking the same person in is refused.
		uniqueIndex('queue_token_patient_active_key')
			.on(t.clinicId, t.day, t.patientId)
			.where(sql`${t.status} IN ('waiting', 'with_doctor')`),
		index('queue_token_day_idx').on(t.clinicId, t.day, t.status),
		index('queue_token_patient_idx').on(t.patientId),
		check('queue_token_number_positive', sql`${t.number} > 0`),
		check('queue_token_urgent_reason', sql`NOT ${t.urgent} OR ${t.urgentReason} IS NOT NULL`)
	]
);

/** The room a doctor works in on one clinic-day, when it is not their usual one (doctor_profile). */
export const doctorDayRoom = pgTable(
	'doctor_day_room',
	{
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		doctorId: uuid()
			.notNull()
			.references(() => appUser.id),
		day: date({ mode: 'string' }).notNull(),
		roomId: uuid()
			.notNull()
			.references(() => room.id),
		updatedBy: uuid().references(() => appUser.id),
		updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.clinicId, t.doctorId, t.day] })]
);

/**
 * A waiting-room screen's credential. Only the SHA-256 of the key is stored; the key itself is
 * shown once, in the kiosk link, when the admin creates it.
 */
export const displayKey = pgTable(
	'display_key',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		name: text().notNull(),
		keyHash: text().notNull(),
		createdBy: uuid().references(() => appUser.id),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
		revokedAt: timestamp({ withTimezone: true })
	},
	(t) => [uniqueIndex('display_key_hash_key').on(t.keyHash), index('display_key_clinic_idx').on(t.clinicId)]
);

export const visitStatus = pgEnum('visit_status', ['open', 'completed']);
/** Where the consultation happened: at the clinic (from the queue or the patient's page), at home, by phone. */
export const visitSetting = pgEnum('visit_setting', ['clinic', 'home', 'phone']);

/** A consultation: a call starts one, or a clinician from the patient's page; its chart is in `visits/`. */
export const visit = pgTable(
	'visit',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		refNo: integer().notNull(),
		patientId: uuid()
			.notNull()
			.references(() => patient.id),
		doctorId: uuid()
			.notNull()
			.references(() => appUser.id),
		appointmentId: uuid().references(() => appointment.id),
		tokenId: uuid().references(() => queueToken.id),
		status: visitStatus().notNull().default('open'),
		setting: visitSetting().notNull().default('clinic'),
		/** The room of the call (from the token), or null for a visit started outside the queue. */
		roomId: uuid().references(() => room.id),
		startedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
		completedAt: timestamp({ withTimezone: true })
	},
	(t) => [
		uniqueIndex('visit_clinic_ref_key').on(t.clinicId, t.refNo),
		uniqueIndex('visit_token_key').on(t.tokenId),
		index('visit_patient_idx').on(t.patientId),
		index('visit_doctor_idx').on(t.clinicId, t.doctorId, t.status)
	]
);

export type QueueToken = typeof queueToken.$inferSelect;
export type QueueTokenStatus = (typeof queueTokenStatus.enumValues)[number];
export type ArrivalTiming = (typeof arrivalTiming.enumValues)[number];
export type DoctorDayRoom = typeof doctorDayRoom.$inferSelect;
export type DisplayKey = typeof displayKey.$inferSelect;
export type Visit = typeof visit.$inferSelect;
