import { sql } from 'drizzle-orm';
import {
	type AnyPgColumn,
	bigint,
	check,
	date,
	index,
	integer,
	jsonb,
	pgEnum,
	pgTable,
	text,
	timestamp,
	uniqueIndex,
	uuid,
	boolean
} from 'drizzle-orm/pg-core';
import { appUser } from './auth';
import { clinic } from './tenancy';
import { visit } from './queue';

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
		/**
		 * The name lower-cased, kept by the database, for search: embedded PGlite scans the table
		 * (its trigram indexes are unreliable) and lower() on every row was most of a search's time.
		 */
		searchName: text()
			.notNull()
			.generatedAlwaysAs(sql`lower(name)`),
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
		/** ABO and Rh as written on a lab report: A+, A-, B+, B-, AB+, AB-, O+, O-; null when unknown. */
		bloodGroup: text(),
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
		// On the stored lower-cased name, so PostgreSQL and PGlite run the same search SQL; no pending list (see 0007).
		index('patient_name_trgm_idx')
			.using('gin', sql`${t.searchName} gin_trgm_ops`)
			.with({ fastupdate: false }),
		index('patient_user_idx').on(t.userId),
		// One account, at most one record per clinic; NULLs (unlinked records) never collide.
		uniqueIndex('patient_clinic_user_key').on(t.clinicId, t.userId),
		check('patient_language', sql`${t.preferredLanguage} IN ('en', 'ur')`),
		check('patient_blood_group', sql`${t.bloodGroup} IN ('A+', 'A-', 'B+', 'B-', 'AB+', 'AB-', 'O+', 'O-')`)
	]
);

export const patientDocumentKind = pgEnum('patient_document_kind', [
	'id_scan',
	'insurance_card',
	'referral_letter',
	'lab_report',
	'other',
	'photo',
	'voice_note'
]);

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
		/** Attached to a visit's chart (a photo, a scan, a voice note); null for the patient's own papers. */
		visitId: uuid().references((): AnyPgColumn => visit.id),
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
	(t) => [index('patient_document_patient_idx').on(t.clinicId, t.patientId), index('patient_document_visit_idx').on(t.visitId)]
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

/**
 * A one-time code the desk gives a patient so they can link their app account to this record.
 * Only the SHA-256 of the code is kept; a code is spent (used), replaced by a newer one
 * (revoked) or simply expires.
 */
export const patientLinkCode = pgTable(
	'patient_link_code',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		patientId: uuid()
			.notNull()
			.references(() => patient.id),
		/** SHA-256 (hex) of the normalized code. */
		codeHash: text().notNull(),
		expiresAt: timestamp({ withTimezone: true }).notNull(),
		usedAt: timestamp({ withTimezone: true }),
		usedBy: uuid().references(() => appUser.id),
		revokedAt: timestamp({ withTimezone: true }),
		createdBy: uuid().references(() => appUser.id),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('patient_link_code_hash_key').on(t.codeHash),
		// At most one open code per record: a new one revokes the previous before it is inserted.
		uniqueIndex('patient_link_code_open_key')
			.on(t.patientId)
			.where(sql`${t.usedAt} IS NULL AND ${t.revokedAt} IS NULL`)
	]
);

export type Patient = typeof patient.$inferSelect;
export type PatientLinkCode = typeof patientLinkCode.$inferSelect;
export type PatientDocument = typeof patientDocument.$inferSelect;
