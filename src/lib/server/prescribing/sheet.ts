import QRCode from 'qrcode';
import { and, eq, isNull } from 'drizzle-orm';
import { appUser, clinic, patient, patientAllergy } from '../db/schema';
import type { Db } from '../db';
import { forbidden } from '../errors';
import { formatRef } from '../tenancy/counters';
import type { ClinicContext } from '../tenancy/context';
import { can } from './policy';
import { clinicVisit, readPrescription, type PrescriptionView } from './prescription';

/** What the prescribing screen and the printed prescription show around the lines. */
export type PrescriptionSheet = {
	clinic: { name: string; code: string; color: string | null; tagline: string | null; city: string; timezone: string };
	visit: { id: string; ref: string; status: 'open' | 'completed'; startedAt: string; doctorId: string };
	doctor: string;
	patient: { id: string; name: string; ref: string; dateOfBirth: string | null; sex: string | null };
	allergies: { substance: string; severity: string; reaction: string }[];
	prescription: PrescriptionView;
	/** Whether this person may change it now: the visit's doctor, while the visit is open. */
	canWrite: boolean;
	qrSvg: string;
};

/** The prescription of a visit with everything printed around it, for those who may read it. */
export async function prescriptionSheet(db: Db, ctx: ClinicContext, visitId: string): Promise<PrescriptionSheet> {
	if (!can(ctx.actor, 'prescription.view')) throw forbidden();
	const row = await clinicVisit(db, ctx.clinicId, visitId);
	const [[home], [doctor], [person], allergies, prescription] = await Promise.all([
		db.select().from(clinic).where(eq(clinic.id, ctx.clinicId)),
		db.select({ name: appUser.name }).from(appUser).where(eq(appUser.id, row.doctorId)),
		db.select().from(patient).where(eq(patient.id, row.patientId)),
		db
			.select({ substance: patientAllergy.substance, severity: patientAllergy.severity, reaction: patientAllergy.reaction })
			.from(patientAllergy)
			.where(and(eq(patientAllergy.patientId, row.patientId), isNull(patientAllergy.removedAt))),
		readPrescription(db, ctx.clinicId, row)
	]);
	const ref = formatRef(home.code, 'V', row.refNo);
	return {
		clinic: {
			name: home.name,
			code: home.code,
			color: home.branding.color ?? null,
			tagline: home.branding.tagline ?? null,
			city: home.city,
			timezone: home.timezone
		},
		visit: { id: row.id, ref, status: row.status, startedAt: row.startedAt.toISOString(), doctorId: row.doctorId },
		doctor: doctor?.name ?? '',
		patient: { id: person.id, name: person.name, ref: formatRef(home.code, 'P', person.refNo), dateOfBirth: person.dateOfBirth, sex: person.sex },
		allergies,
		prescription,
		canWrite: row.status === 'open' && can(ctx.actor, 'prescription.write', { doctorId: row.doctorId }),
		qrSvg: await QRCode.toString(ref, { type: 'svg', margin: 0, errorCorrectionLevel: 'M' })
	};
}
