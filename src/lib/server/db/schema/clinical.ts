import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, numeric, pgEnum, pgTable, smallint, text, timestamp, uniqueIndex, uuid, boolean } from 'drizzle-orm/pg-core';
import { appUser } from './auth';
import { clinic } from './tenancy';
import { patient } from './patients';
import { appointment } from './scheduling';
import { visit } from './queue';

/*
 * The clinical record (docs/ARCHITECTURE.md, "Visits and prescribing"). While a visit is open its
 * chart lives in the collaborative document `visit/{visitId}/chart`; "complete visit" snapshots
 * it into the rows below in one transaction, after which nothing here changes except addenda.
 */

/** The completed chart's text: one row per visit, written once by "complete visit". */
export const visitRecord = pgTable(
	'visit_record',
	{
		visitId: uuid()
			.primaryKey()
			.references(() => visit.id),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		complaint: text().notNull().default(''),
		/** As the doctor wrote it ("3 days", "since last week"). */
		complaintDuration: text().notNull().default(''),
		historyOfIllness: text().notNull().default(''),
		plan: text().notNull().default(''),
		/** Advice to the patient, shown to them later. */
		advice: text().notNull().default(''),
		/** Why there is no diagnosis (a visit needs one or the other). */
		reason: text().notNull().default(''),
		/** The follow-up the doctor asked for: `{ inDays, note }` or null. */
		followUp: jsonb().$type<{ inDays: number | null; note: string } | null>(),
		/** SHA-256 of the canonical JSON of the snapshot (the API's `GET …/visits/{id}` shape). */
		contentHash: text().notNull(),
		/** The chart document's full state at the moment completion committed (Yjs update). */
		chartState: text().notNull(),
		completedBy: uuid()
			.notNull()
			.references(() => appUser.id),
		completedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('visit_record_clinic_idx').on(t.clinicId)]
);

export const noteCategory = pgEnum('note_category', ['symptoms', 'observations', 'diagnosis', 'treatment']);

/** A completed visit's clinical notes by category: plain text for search and print, ProseMirror JSON for display. */
export const visitNote = pgTable(
	'visit_note',
	{
		visitId: uuid()
			.notNull()
			.references(() => visit.id),
		category: noteCategory().notNull(),
		text: text().notNull(),
		rich: jsonb().notNull()
	},
	(t) => [uniqueIndex('visit_note_key').on(t.visitId, t.category)]
);

/**
 * One measured value of a completed visit, in the API's units: `systolic`/`diastolic` mmHg,
 * `pulse` and `respiratoryRate` /min, `temperature` °C, `spo2` %, `weightKg` kg, `heightCm` cm,
 * `glucose` mg/dL (with `qualifier` fasting or random), `bmi` kg/m² (computed).
 */
export const visitObservation = pgTable(
	'visit_observation',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		visitId: uuid()
			.notNull()
			.references(() => visit.id),
		patientId: uuid()
			.notNull()
			.references(() => patient.id),
		kind: text().notNull(),
		value: numeric({ precision: 8, scale: 2, mode: 'number' }).notNull(),
		unit: text().notNull(),
		qualifier: text(),
		observedAt: timestamp({ withTimezone: true }).notNull()
	},
	(t) => [uniqueIndex('visit_observation_key').on(t.visitId, t.kind), index('visit_observation_patient_idx').on(t.patientId, t.kind, t.observedAt)]
);

/** A completed visit's diagnoses in the doctor's order; `code` is ICD-10 or null for a free-text diagnosis. */
export const visitDiagnosis = pgTable(
	'visit_diagnosis',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		visitId: uuid()
			.notNull()
			.references(() => visit.id),
		patientId: uuid()
			.notNull()
			.references(() => patient.id),
		position: smallint().notNull(),
		code: text(),
		title: text().notNull()
	},
	(t) => [
		uniqueIndex('visit_diagnosis_key').on(t.visitId, t.position),
		index('visit_diagnosis_patient_idx').on(t.patientId),
		index('visit_diagnosis_code_idx').on(t.clinicId, t.code)
	]
);

/** A signed addition to a completed visit; the visit itself never changes again. */
export const visitAddendum = pgTable(
	'visit_addendum',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		visitId: uuid()
			.notNull()
			.references(() => visit.id),
		authorId: uuid()
			.notNull()
			.references(() => appUser.id),
		text: text().notNull(),
		reason: text().notNull(),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('visit_addendum_visit_idx').on(t.visitId, t.createdAt)]
);

export const allergySeverity = pgEnum('allergy_severity', ['mild', 'moderate', 'severe']);

/**
 * A recorded allergy. `substance` is what the clinician wrote; `atcCode` (a medicine or its class,
 * e.g. J01C for penicillins) lets prescribing warn by class. Removing one keeps the row.
 */
export const patientAllergy = pgTable(
	'patient_allergy',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		patientId: uuid()
			.notNull()
			.references(() => patient.id),
		substance: text().notNull(),
		atcCode: text(),
		reaction: text().notNull().default(''),
		severity: allergySeverity().notNull(),
		recordedBy: uuid()
			.notNull()
			.references(() => appUser.id),
		recordedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
		removedBy: uuid().references(() => appUser.id),
		removedAt: timestamp({ withTimezone: true })
	},
	(t) => [index('patient_allergy_patient_idx').on(t.patientId)]
);

/** A chronic condition (optionally ICD-10 coded); resolving one keeps the row. */
export const patientCondition = pgTable(
	'patient_condition',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		patientId: uuid()
			.notNull()
			.references(() => patient.id),
		name: text().notNull(),
		code: text(),
		/** As told ("2019", "childhood"). */
		since: text().notNull().default(''),
		recordedBy: uuid()
			.notNull()
			.references(() => appUser.id),
		recordedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
		resolvedBy: uuid().references(() => appUser.id),
		resolvedAt: timestamp({ withTimezone: true })
	},
	(t) => [index('patient_condition_patient_idx').on(t.patientId)]
);

/** A medicine the patient takes (prescribed elsewhere or here); stopping one keeps the row. */
export const patientMedication = pgTable(
	'patient_medication',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		patientId: uuid()
			.notNull()
			.references(() => patient.id),
		name: text().notNull(),
		dose: text().notNull().default(''),
		recordedBy: uuid()
			.notNull()
			.references(() => appUser.id),
		recordedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
		stoppedBy: uuid().references(() => appUser.id),
		stoppedAt: timestamp({ withTimezone: true })
	},
	(t) => [index('patient_medication_patient_idx').on(t.patientId)]
);

export const medicineSource = pgEnum('medicine_source', ['who_eml', 'clinic', 'import', 'copy']);

/** A clinic's medicine catalogue; the starter rows come from the WHO Model List (pharmacy/essentialMedicines.data.json). */
export const medicine = pgTable(
	'medicine',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		genericName: text().notNull(),
		searchName: text()
			.notNull()
			.generatedAlwaysAs(sql`lower(generic_name)`),
		brandNames: text()
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		form: text().notNull(),
		strength: text().notNull().default(''),
		route: text().notNull(),
		/** ATC code of the medicine (or its class when the list gives only that). */
		atcCode: text(),
		/** Dosage templates the prescriber can pick ("1 tablet twice a day after meals for 5 days"). */
		dosageTemplates: jsonb().$type<{ dose: string; frequency: string; durationDays: number; instructions: string }[]>().notNull().default([]),
		source: medicineSource().notNull(),
		/** The dispensing unit stock is counted in ("tablet", "bottle"); empty means the form. */
		unit: text().notNull().default(''),
		/** Low stock below this many units; a purchase order from low stock orders `reorderQuantity`. */
		reorderLevel: integer().notNull().default(0),
		reorderQuantity: integer().notNull().default(0),
		archived: boolean().notNull().default(false),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [uniqueIndex('medicine_clinic_key').on(t.clinicId, t.searchName, t.form, t.strength), index('medicine_clinic_atc_idx').on(t.clinicId, t.atcCode)]
);

/** The prescription of one visit; written while the visit is open, fixed when it completes. */
export const prescription = pgTable(
	'prescription',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		visitId: uuid()
			.notNull()
			.references(() => visit.id),
		patientId: uuid()
			.notNull()
			.references(() => patient.id),
		doctorId: uuid()
			.notNull()
			.references(() => appUser.id),
		/** Set when the visit completes: from then on the pharmacy serves it and nothing changes it. */
		issuedAt: timestamp({ withTimezone: true }),
		/** The doctor asks the pharmacy to serve it first. */
		urgent: boolean().notNull().default(false),
		updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [uniqueIndex('prescription_visit_key').on(t.visitId), index('prescription_patient_idx').on(t.patientId)]
);

export const prescriptionLine = pgTable(
	'prescription_line',
	{
		id: uuid().primaryKey().defaultRandom(),
		prescriptionId: uuid()
			.notNull()
			.references(() => prescription.id),
		position: smallint().notNull(),
		medicineId: uuid()
			.notNull()
			.references(() => medicine.id),
		/** What the doctor writes: "500 mg", "1 tablet". */
		dose: text().notNull(),
		/** As written: "1+0+1", "BD", "TDS", "QID", "OD", "HS", "SOS". */
		frequency: text().notNull(),
		durationDays: integer().notNull(),
		route: text().notNull(),
		instructionsEn: text().notNull().default(''),
		instructionsUr: text().notNull().default(''),
		quantity: numeric({ precision: 10, scale: 2, mode: 'number' }).notNull()
	},
	(t) => [uniqueIndex('prescription_line_key').on(t.prescriptionId, t.position), check('prescription_line_duration', sql`${t.durationDays} BETWEEN 1 AND 365`)]
);

/** A warning the prescriber overrode, with their reason; kept for good. */
export const prescriptionOverride = pgTable(
	'prescription_override',
	{
		id: uuid().primaryKey().defaultRandom(),
		prescriptionId: uuid()
			.notNull()
			.references(() => prescription.id),
		/** Stable for the same content, e.g. `allergy:<medicineId>`. */
		warningId: text().notNull(),
		kind: text().notNull(),
		message: text().notNull(),
		reason: text().notNull(),
		overriddenBy: uuid()
			.notNull()
			.references(() => appUser.id),
		overriddenAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('prescription_override_idx').on(t.prescriptionId)]
);

export const referralStatus = pgEnum('referral_status', ['sent', 'accepted', 'booked', 'seen', 'declined']);

/**
 * A referral from one doctor to another of the same clinic or of a branch (a clinic with the same
 * administrator). `toClinicId` equals `clinicId` within a clinic. The discount is an instruction
 * for billing: a percentage or an amount in the receiving clinic's minor units, never both.
 */
export const referral = pgTable(
	'referral',
	{
		id: uuid().primaryKey().defaultRandom(),
		clinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		refNo: integer().notNull(),
		patientId: uuid()
			.notNull()
			.references(() => patient.id),
		visitId: uuid().references(() => visit.id),
		fromDoctorId: uuid()
			.notNull()
			.references(() => appUser.id),
		toClinicId: uuid()
			.notNull()
			.references(() => clinic.id),
		toDoctorId: uuid()
			.notNull()
			.references(() => appUser.id),
		/**
		 * The patient's record in the receiving clinic: the same record within a clinic; for a
		 * branch, the record the receiving clinic names when it accepts (each clinic keeps its own).
		 */
		toPatientId: uuid().references(() => patient.id),
		note: text().notNull(),
		discountPercent: smallint(),
		discountAmount: bigint({ mode: 'number' }),
		status: referralStatus().notNull().default('sent'),
		declineReason: text(),
		appointmentId: uuid().references(() => appointment.id),
		seenVisitId: uuid().references(() => visit.id),
		remindedAt: timestamp({ withTimezone: true }),
		createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('referral_clinic_ref_key').on(t.clinicId, t.refNo),
		index('referral_to_idx').on(t.toClinicId, t.toDoctorId, t.status),
		index('referral_to_patient_idx').on(t.toPatientId, t.status),
		index('referral_from_idx').on(t.clinicId, t.fromDoctorId, t.status),
		check('referral_discount', sql`${t.discountPercent} IS NULL OR ${t.discountAmount} IS NULL`),
		check('referral_discount_percent', sql`${t.discountPercent} IS NULL OR ${t.discountPercent} BETWEEN 1 AND 100`),
		check('referral_discount_amount', sql`${t.discountAmount} IS NULL OR ${t.discountAmount} > 0`)
	]
);

export type VisitRecord = typeof visitRecord.$inferSelect;
export type PatientAllergy = typeof patientAllergy.$inferSelect;
export type PatientCondition = typeof patientCondition.$inferSelect;
export type Medicine = typeof medicine.$inferSelect;
export type Prescription = typeof prescription.$inferSelect;
export type PrescriptionLine = typeof prescriptionLine.$inferSelect;
export type Referral = typeof referral.$inferSelect;
export type AllergySeverity = (typeof allergySeverity.enumValues)[number];
export type ReferralStatus = (typeof referralStatus.enumValues)[number];
