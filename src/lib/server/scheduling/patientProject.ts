import { and, asc, eq, gt, gte, inArray } from 'drizzle-orm';
import { appointment, appointmentType, ACTIVE_APPOINTMENT_STATUSES } from '../db/schema/scheduling';
import { appUser, auditLog, clinic, patient } from '../db/schema';
import type { Db, Tx } from '../db';
import { documentsChanged } from '../sync/changes';
import { documentName, type DocumentRef } from '../../sync/protocol';
import type { ProjectionContent } from '../sync/projection';
import type { CancellationCause, PatientAppointmentsContent } from '../../sync/contracts/patientAppointments';
import { formatRef } from '../tenancy/counters';
import { clinicToday, dayBounds } from '../../time';

/** The causes of a closing change's cancellations (closedDays.ts); any other clinic cancel is the desk's. */
const CLOSING_CAUSES = ['clinic_closed', 'doctor_leave', 'doctor_hours'] as const satisfies readonly CancellationCause[];

/** More than a patient holds; the list is a phone screen, not an archive. */
const SHOWN = 50;

type Cancelled = { cause: CancellationCause; reason: string };

/**
 * Who cancelled is in the audit log, not the row: the patient's own cancellation says
 * `byPatient`, a closure or leave says its `cause`; a desk cancellation says neither. A merge's
 * cancellation of a duplicate visit is a `queue.cancel`, so it is not the clinic's news.
 */
async function clinicCancellations(db: Db, clinicId: string, rows: { id: string; cancelReason: string | null }[]): Promise<Map<string, Cancelled>> {
	if (rows.length === 0) return new Map();
	const audits = await db
		.select({ entityId: auditLog.entityId, data: auditLog.data })
		.from(auditLog)
		.where(
			and(
				eq(auditLog.clinicId, clinicId),
				eq(auditLog.action, 'appointment.cancel'),
				eq(auditLog.entityType, 'appointment'),
				inArray(
					auditLog.entityId,
					rows.map((r) => r.id)
				)
			)
		);
	const found = new Map<string, Cancelled>();
	for (const row of rows) {
		const audit = audits.find((a) => a.entityId === row.id);
		if (!audit || audit.data.byPatient === true) continue;
		const closing = CLOSING_CAUSES.find((c) => c === audit.data.cause);
		const cause = closing ?? 'clinic';
		found.set(row.id, { cause, reason: cause === 'clinic' ? (row.cancelReason ?? '') : '' });
	}
	return found;
}

/**
 * `patient/{id}/appointments`: one record's open appointments that have not ended, and those the
 * clinic cancelled from the clinic's today on (so a cancellation never just disappears from the
 * patient's phone), soonest first. Nothing about other patients. Rebuilt whole from Postgres.
 */
export async function projectPatientAppointments(db: Db, ref: DocumentRef, now = new Date()): Promise<ProjectionContent> {
	if (ref.type !== 'patientAppointments') throw new Error(`patientAppointments projection asked for ${ref.type}`);
	const [home] = await db
		.select({ id: clinic.id, name: clinic.name, code: clinic.code, timezone: clinic.timezone })
		.from(patient)
		.innerJoin(clinic, eq(clinic.id, patient.clinicId))
		.where(eq(patient.id, ref.patientId));
	if (!home) return { clinic: null, appointments: [] } satisfies PatientAppointmentsContent;
	const todayStarts = dayBounds(clinicToday(home.timezone, now), home.timezone).from;
	const columns = {
		id: appointment.id,
		refNo: appointment.refNo,
		startsAt: appointment.startsAt,
		endsAt: appointment.endsAt,
		status: appointment.status,
		cancelReason: appointment.cancelReason,
		doctor: appUser.name,
		type: appointmentType.name
	};
	const mine = eq(appointment.patientId, ref.patientId);
	const [open, cancelled] = await Promise.all([
		db
			.select(columns)
			.from(appointment)
			.innerJoin(appUser, eq(appUser.id, appointment.doctorId))
			.leftJoin(appointmentType, eq(appointmentType.id, appointment.typeId))
			.where(and(mine, inArray(appointment.status, [...ACTIVE_APPOINTMENT_STATUSES]), gt(appointment.endsAt, now)))
			.orderBy(asc(appointment.startsAt))
			.limit(SHOWN),
		db
			.select(columns)
			.from(appointment)
			.innerJoin(appUser, eq(appUser.id, appointment.doctorId))
			.leftJoin(appointmentType, eq(appointmentType.id, appointment.typeId))
			.where(and(mine, eq(appointment.status, 'cancelled'), gte(appointment.startsAt, todayStarts)))
			.orderBy(asc(appointment.startsAt))
			.limit(SHOWN)
	]);
	const byClinic = await clinicCancellations(db, home.id, cancelled);
	const rows = [...open, ...cancelled.filter((r) => byClinic.has(r.id))].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime()).slice(0, SHOWN);
	return {
		clinic: { name: home.name, code: home.code, timezone: home.timezone },
		appointments: rows.flatMap((r) => {
			// The queries read only these statuses; the check narrows the type to the contract's.
			if (r.status !== 'requested' && r.status !== 'confirmed' && r.status !== 'checked_in' && r.status !== 'cancelled') return [];
			return [
				{
					id: r.id,
					ref: formatRef(home.code, 'A', r.refNo),
					start: r.startsAt.toISOString(),
					end: r.endsAt.toISOString(),
					status: r.status,
					doctor: r.doctor,
					type: r.type,
					cancellation: byClinic.get(r.id) ?? null
				}
			];
		})
	} satisfies PatientAppointmentsContent;
}

/** Inside a command that changed these records' appointments: their patients' appointment lists (published after commit). */
export async function patientAppointmentsChanged(tx: Tx, patientIds: string[]): Promise<void> {
	await documentsChanged(
		tx,
		[...new Set(patientIds)].map((id) => documentName.patientAppointments(id))
	);
}
