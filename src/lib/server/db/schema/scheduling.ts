import { sql } from 'drizzle-orm';
import { check, date, index, integer, jsonb, pgEnum, pgTable, text, time, timestamp, uniqueIndex, uuid, boolean } from 'drizzle-orm/pg-core';
import { appUser } from './auth';
import { clinic } from './tenancy';
import { patient } from './patients';

export type TimeRange = { start: string; end: string };

/** A doctor's weekly working hours in one clinic; several rows per weekday make shifts. */
export const availabilityTemplate = pgTable(
	'availability_template',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		doctorId: uuid()
			.notNull()
			.references(() => appUser.id),
		/** ISO weekday: Monday = 1 … Sunday = 7. */
		weekday: integer().notNull(),
		startTime: time().notNull(),
		endTime: time().notNull(),
		slotMinutes: integer().notNull(),
		breaks: jsonb().$type<TimeRange[]>().notNull().default([])
	},
	(t) => [
		index('availability_template_doctor_idx').on(t.clinicId, t.doctorId),
		check('availability_weekday', sql`${t.weekday} BETWEEN 1 AND 7`),
		check('availability_slot_minutes', sql`${t.slotMinutes} IN (10, 15, 20, 30)`),
		check('availability_order', sql`${t.startTime} < ${t.endTime}`)
	]
);

/** A one-off change for one date: other hours (start/end) or a day off (leave). */
export const availabilityException = pgTable(
	'availability_exception',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		doctorId: uuid()
			.notNull()
			.references(() => appUser.id),
		day: date({ mode: 'string' }).notNull(),
		off: boolean().notNull().default(false),
		startTime: time(),
		endTime: time(),
		slotMinutes: integer(),
		reason: text().notNull().default('')
	},
	(t) => [
		uniqueIndex('availability_exception_day_key').on(t.clinicId, t.doctorId, t.day),
		check('availability_exception_shape', sql`${t.off} OR (${t.startTime} IS NOT NULL AND ${t.endTime} IS NOT NULL AND ${t.startTime} < ${t.endTime})`)
	]
);

/** Clinic holidays and blackout dates: no slots for anyone. */
export const clinicClosure = pgTable(
	'clinic_closure',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		day: date({ mode: 'string' }).notNull(),
		reason: text().notNull().default(''),
		createdBy: uuid().references(() => appUser.id)
	},
	(t) => [uniqueIndex('clinic_closure_day_key').on(t.clinicId, t.day)]
);

/**
 * A clinic's kinds of appointment (new visit, follow-up, procedure …): each has its own default
 * length, which slots and bookings honour, and a colour the calendar shows. Archived types stay
 * on the appointments that used them and are no longer offered.
 */
export const appointmentType = pgTable(
	'appointment_type',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		name: text().notNull(),
		minutes: integer().notNull(),
		/** `#rrggbb`. */
		color: text().notNull(),
		archived: boolean().notNull().default(false),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('appointment_type_name_key').on(t.clinicId, sql`lower(${t.name})`),
		check('appointment_type_minutes', sql`${t.minutes} BETWEEN 5 AND 480`),
		check('appointment_type_color', sql`${t.color} ~ '^#[0-9a-f]{6}$'`)
	]
);

export const appointmentStatus = pgEnum('appointment_status', ['requested', 'confirmed', 'checked_in', 'completed', 'cancelled', 'no_show', 'declined']);
export const ACTIVE_APPOINTMENT_STATUSES = ['requested', 'confirmed', 'checked_in'] as const;

/**
 * The no-double-booking rule lives in the database: an exclusion constraint (hand-written
 * migration) refuses two active appointments of one doctor whose time ranges overlap.
 */
export const appointment = pgTable(
	'appointment',
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
		startsAt: timestamp({ withTimezone: true }).notNull(),
		endsAt: timestamp({ withTimezone: true }).notNull(),
		status: appointmentStatus().notNull(),
		reason: text().notNull().default(''),
		cancelReason: text(),
		followUpOf: uuid(),
		/** The clinic's appointment type, when booking picked one. */
		typeId: uuid().references(() => appointmentType.id),
		/** Shared by the appointments of one recurring booking (every week for n weeks …). */
		seriesId: uuid(),
		createdBy: uuid().references(() => appUser.id),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('appointment_clinic_ref_key').on(t.clinicId, t.refNo),
		index('appointment_series_idx').on(t.seriesId),
		index('appointment_clinic_day_idx').on(t.clinicId, t.startsAt),
		index('appointment_patient_idx').on(t.patientId),
		check('appointment_order', sql`${t.startsAt} < ${t.endsAt}`)
	]
);

export const waitlistStatus = pgEnum('waitlist_status', ['waiting', 'offered', 'booked', 'withdrawn']);

export const waitlistEntry = pgTable(
	'waitlist_entry',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		patientId: uuid()
			.notNull()
			.references(() => patient.id),
		doctorId: uuid()
			.notNull()
			.references(() => appUser.id),
		/** The appointment the patient holds now and would move earlier, if any. */
		currentAppointmentId: uuid(),
		status: waitlistStatus().notNull().default('waiting'),
		offeredStart: timestamp({ withTimezone: true }),
		note: text().notNull().default(''),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('waitlist_doctor_idx').on(t.clinicId, t.doctorId, t.status, t.createdAt)]
);

export type Appointment = typeof appointment.$inferSelect;
export type AppointmentStatus = (typeof appointmentStatus.enumValues)[number];
export type AvailabilityTemplate = typeof availabilityTemplate.$inferSelect;
export type AvailabilityException = typeof availabilityException.$inferSelect;
export type AppointmentType = typeof appointmentType.$inferSelect;
