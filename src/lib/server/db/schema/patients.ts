import { sql } from 'drizzle-orm';
import { bigint, check, date, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid, boolean } from 'drizzle-orm/pg-core';
import { appUser } from './auth';
import { clinic } from './tenancy';

export const sex = pgEnum('sex', ['male', 'female', 'other']);

/**
 * A clinic's record of a patient. Each clinic keeps its own record (tenant data never crosses
 * clinics); the same person seen in two clinics is two records linked to one patient account.
 */
export const patient = pgTable(
	'patient',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		refNo: integer().notNull(),
		name: text().notNull(),
		dateOfBirth: date({ mode: 'string' }),
		/** True when only an age was given and the birth date is estimated from it. */
		dobEstimated: boolean().notNull().default(false),
		sex: sex(),
		/** E.164, e.g. +923001234567. */
		phone: text(),
		email: text(),
		address: text().notNull().default(''),
		nationalId: text(),
		externalRef: text(),
		allergies: text().notNull().default(''),
		chronicConditions: text().notNull().default(''),
		emergencyContactName: text().notNull().default(''),
		emergencyContactPhone: text(),
		preferredLanguage: text().notNull().default('en'),
		/** The patient's own account, when they have linked one. */
		userId: uuid().references(() => appUser.id),
		/** Set on the record that was merged away; it then only explains where its data went. */
		mergedIntoId: uuid(),
		createdBy: uuid().references(() => appUser.id),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('patient_clinic_ref_key').on(t.clinicId, t.refNo),
		index('patient_clinic_phone_idx').on(t.clinicId, t.phone),
		index('patient_clinic_national_id_idx').on(t.clinicId, t.nationalId),
		index('patient_name_trgm_idx').using('gin', sql`lower(${t.name}) gin_trgm_ops`),
		index('patient_user_idx').on(t.userId),
		check('patient_language', sql`${t.preferredLanguage} IN ('en', 'ur')`)
	]
);

export const patientDocumentKind = pgEnum('patient_document_kind', ['id_scan', 'insurance_card', 'referral_letter', 'lab_report', 'other']);

export const patientDocument = pgTable(
	'patient_document',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		patientId: uuid()
			.notNull()
			.references(() => patient.id),
		kind: patientDocumentKind().notNull(),
		fileName: text().notNull(),
		contentType: text().notNull(),
		sizeBytes: bigint({ mode: 'number' }).notNull(),
		sha256: text().notNull(),
		/** Where the bytes are: a key in the configured store (DATA_DIR or S3-compatible). */
		storageKey: text().notNull(),
		uploadedBy: uuid().references(() => appUser.id),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
		deletedAt: timestamp({ withTimezone: true }),
		deletedBy: uuid().references(() => appUser.id)
	},
	(t) => [index('patient_document_patient_idx').on(t.clinicId, t.patientId)]
);

/** What a merge moved, so it can be explained later. */
export const patientMerge = pgTable('patient_merge', {
	id: uuid().primaryKey().defaultRandom(),
	clinicId: uuid()
		.notNull()
		.references(() => clinic.id),
	survivorId: uuid()
		.notNull()
		.references(() => patient.id),
	mergedId: uuid()
		.notNull()
		.references(() => patient.id),
	moved: jsonb().$type<Record<string, number>>().notNull(),
	mergedBy: uuid().references(() => appUser.id),
	reason: text().notNull().default(''),
	createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
});

export type Patient = typeof patient.$inferSelect;
export type PatientDocument = typeof patientDocument.$inferSelect;
