import * as z from 'zod/mini';

/**
 * The contract of `clinic/{clinicId}/pharmacy`: the prescriptions the clinic's doctors issued that
 * the pharmacy serves, newest first. What `projectClinicPharmacy` writes and the pharmacy's screens
 * read. Browser-safe. Every prescription issued in the last `PHARMACY_WINDOW_DAYS` days, with the
 * pharmacy's state of it (waiting, in progress with who prepares it, waiting for stock, ready,
 * collected) and of each line. Unknown fields are dropped; a changed or missing field is a
 * mismatch the screen shows as "update the app".
 */

export const PHARMACY_STATUSES = ['waiting', 'in_progress', 'waiting_for_stock', 'ready', 'collected'] as const;
export const LINE_STATUSES = ['pending', 'dispensed', 'partly_dispensed', 'waiting_for_stock', 'substituted', 'not_dispensed', 'collected'] as const;
export const PHARMACY_WINDOW_DAYS = 2;

export const pharmacyLineContract = z.object({
	id: z.string(),
	medicineId: z.string(),
	genericName: z.string(),
	form: z.string(),
	strength: z.string(),
	dose: z.string(),
	frequency: z.string(),
	durationDays: z.number(),
	route: z.string(),
	quantity: z.number(),
	instructions: z.string(),
	instructionsUr: z.string(),
	/** Whole units to dispense (the quantity rounded up), what has left the shelf, and the line's state. */
	prescribed: z.number(),
	dispensed: z.number(),
	lineStatus: z.enum(LINE_STATUSES),
	substitute: z.nullable(z.string()),
	note: z.string()
});

export const pharmacyPrescriptionContract = z.object({
	id: z.string(),
	visitId: z.string(),
	visitRef: z.string(),
	patientId: z.string(),
	patientName: z.string(),
	patientRef: z.string(),
	doctorId: z.string(),
	doctorName: z.string(),
	issuedAt: z.string(),
	status: z.enum(PHARMACY_STATUSES),
	urgent: z.boolean(),
	/** Who is preparing it (id and name), so a colleague leaves it alone. */
	preparedBy: z.nullable(z.object({ id: z.string(), name: z.string() })),
	readyAt: z.nullable(z.string()),
	collectedAt: z.nullable(z.string()),
	lines: z.array(pharmacyLineContract)
});

/** The stock screen's alerts: low-stock medicines, batches with stock by expiry band, and when stock last moved. */
export const stockAlertsContract = z.object({
	lowStock: z.number(),
	expired: z.number(),
	within30: z.number(),
	within60: z.number(),
	within90: z.number(),
	lastMovementAt: z.nullable(z.string())
});

export const pharmacyContract = z.object({ prescriptions: z.array(pharmacyPrescriptionContract), alerts: stockAlertsContract });

export type PharmacyContent = z.infer<typeof pharmacyContract>;
export type PharmacyPrescription = z.infer<typeof pharmacyPrescriptionContract>;
