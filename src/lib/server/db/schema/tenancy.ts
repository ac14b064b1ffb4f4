import { sql } from 'drizzle-orm';
import { boolean, check, integer, smallint, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { appUser } from './auth';

export const clinicStatus = pgEnum('clinic_status', ['active', 'inactive', 'suspended']);
export const role = pgEnum('role', ['admin', 'doctor', 'nurse', 'reception', 'pharmacist']);
export const membershipStatus = pgEnum('membership_status', ['active', 'suspended', 'removed']);
export const doctorListing = pgEnum('doctor_listing', ['public', 'private']);

export type ClinicBranding = { color?: string; tagline?: string };

export const clinic = pgTable(
	'clinic',
	{
		id: uuid().primaryKey().defaultRandom(),
		code: text().notNull(),
		name: text().notNull(),
		country: text().notNull(),
		state: text().notNull().default(''),
		city: text().notNull(),
		timezone: text().notNull(),
		currency: text().notNull(),
		/**
		 * Digits after the decimal point of the clinic's currency (ISO 4217 minor unit), fixed when
		 * the clinic is created: stored amounts keep their meaning whatever Node's ICU data says.
		 */
		currencyExponent: smallint().notNull(),
		/** How the clinic's screens show and take temperatures; stored and spoken by the API in °C always. */
		temperatureUnit: text().notNull().default('C'),
		/** Batches this close to expiry (days) are not dispensed. */
		nearExpiryDays: integer().notNull().default(30),
		/** The month (1–12) the clinic's fiscal year starts: invoice numbers restart then (July in Pakistan). */
		fiscalYearStartMonth: smallint().notNull().default(1),
		/** The tax registration number printed on invoices ('' when the clinic has none). */
		taxNumber: text().notNull().default(''),
		status: clinicStatus().notNull().default('active'),
		branding: jsonb().$type<ClinicBranding>().notNull().default({}),
		require2fa: boolean('require_2fa').notNull().default(false),
		/** Bookings made by staff start confirmed; otherwise the doctor confirms each request. */
		autoConfirmStaffBookings: boolean().notNull().default(true),
		/** Queue tokens numbered per doctor (`D2-014`) instead of one clinic-wide sequence. */
		perDoctorTokens: boolean().notNull().default(false),
		parentClinicId: uuid(),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('clinic_code_key').on(t.code),
		check('clinic_code_format', sql`${t.code} ~ '^[A-Z0-9]{3,8}$'`),
		check('clinic_temperature_unit', sql`${t.temperatureUnit} IN ('C', 'F')`),
		check('clinic_near_expiry_days', sql`${t.nearExpiryDays} BETWEEN 0 AND 365`),
		check('clinic_fiscal_year_start', sql`${t.fiscalYearStartMonth} BETWEEN 1 AND 12`)
	]
);

export const membership = pgTable(
	'membership',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		userId: uuid()
			.notNull()
			.references(() => appUser.id),
		role: role().notNull(),
		status: membershipStatus().notNull().default('active'),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [uniqueIndex('membership_clinic_user_key').on(t.clinicId, t.userId)]
);

export const doctorProfile = pgTable(
	'doctor_profile',
	{
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		userId: uuid()
			.notNull()
			.references(() => appUser.id),
		specialization: text().notNull().default(''),
		registrationNumber: text().notNull().default(''),
		/** Integer minor units of the clinic's currency. */
		consultationFee: integer().notNull().default(0),
		listing: doctorListing().notNull().default('public'),
		/** The room the doctor usually sees patients in here; the queue screen can change it for a day. */
		defaultRoomId: uuid().references(() => room.id),
		updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.clinicId, t.userId] }), check('doctor_fee_nonnegative', sql`${t.consultationFee} >= 0`)]
);

/**
 * A consulting room of the clinic ("Room 2", "Dental chair"): the waiting room is told where to
 * go. A room once used is archived rather than deleted, so old tokens keep their room's name.
 */
export const room = pgTable(
	'room',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		name: text().notNull(),
		archivedAt: timestamp({ withTimezone: true }),
		createdBy: uuid().references(() => appUser.id),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		// Two rooms in use with one name would send patients to the wrong door.
		uniqueIndex('room_clinic_name_key')
			.on(t.clinicId, sql`lower(${t.name})`)
			.where(sql`${t.archivedAt} IS NULL`)
	]
);

/** Who is on duty on a clinic-day; feeds the staff projection. */
export const staffDuty = pgTable(
	'staff_duty',
	{
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		userId: uuid()
			.notNull()
			.references(() => appUser.id),
		day: text().notNull(),
		onDuty: boolean().notNull(),
		updatedBy: uuid().references(() => appUser.id),
		updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.clinicId, t.userId, t.day] })]
);

/** A single row, present once the first clinic and admin exist: setup is closed for good. */
export const installation = pgTable(
	'installation',
	{
		id: integer().primaryKey().default(1),
		setupAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [check('installation_single_row', sql`${t.id} = 1`)]
);

export type Clinic = typeof clinic.$inferSelect;
export type Membership = typeof membership.$inferSelect;
export type DoctorProfile = typeof doctorProfile.$inferSelect;
export type Room = typeof room.$inferSelect;
export type Role = (typeof role.enumValues)[number];
export const ROLES = role.enumValues;
