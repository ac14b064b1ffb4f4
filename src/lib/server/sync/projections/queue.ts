import type { DocumentRef } from '../../../sync/protocol';
import type { Db } from '../../db';
import type { ProjectionContent } from '../projection';
import type { QueueContent } from '../../../sync/contracts/queue';
import { formatRef } from '../../tenancy/counters';
import { tokenLabel } from '../../queue/queries';
import { sharedQueueDay } from './queueDay';
import { waitMinutes } from '../../queue/estimate';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * `clinic/{id}/day/{date}/queue`: the staff queue of a clinic-day. Every token with its patient,
 * state and timings; waiting tokens in the order the rule is predicted to call them
 * (prediction.ts), with the doctor expected to call each, the number ahead and the estimated
 * wait. A walk-in of the shared line keeps `doctorId` and `chosenDoctorId` null until a doctor
 * calls it (`plannedDoctorId` is only the forecast). Staff only.
 */
export async function projectClinicQueue(db: Db, ref: DocumentRef): Promise<ProjectionContent> {
	if (ref.type !== 'queue') throw new Error(`queue projection asked for ${ref.type}`);
	const loaded = await sharedQueueDay(db, ref.clinicId, ref.day);
	if (!loaded) return { day: ref.day, doctors: [], tokens: [] } satisfies QueueContent;
	const { home, day } = loaded;
	const now = day.now;
	const predicted = new Map(day.prediction.map((p, index) => [p.tokenId, { ...p, index }]));
	const tokens = day.tokens.map((t) => {
		const plan = predicted.get(t.id);
		return {
			id: t.id,
			token: tokenLabel(t),
			status: t.status,
			patientId: t.patientId,
			patientName: t.patientName,
			patientRef: formatRef(home.code, 'P', t.patientRefNo),
			doctorId: t.calledBy ?? t.doctorId,
			chosenDoctorId: t.doctorId,
			appointmentId: t.appointmentId,
			appointmentStart: iso(t.appointmentStart),
			arrival: t.arrival,
			arrivalMinutes: t.arrivalMinutes,
			urgent: t.urgent,
			urgentReason: t.urgentReason,
			reason: t.reason,
			returned: t.returnedAt !== null,
			moved: t.movedBeforeId !== null,
			skipCount: t.skipCount,
			callCount: t.callCount,
			checkedInAt: t.checkedInAt.toISOString(),
			calledAt: iso(t.calledAt),
			completedAt: iso(t.completedAt),
			room: t.roomName,
			cancelReason: t.cancelReason,
			order: plan ? plan.index : null,
			plannedDoctorId: plan?.doctorId ?? null,
			ahead: plan ? plan.ahead : null,
			estimatedCallAt: iso(plan?.callAt ?? null),
			waitMinutes: plan?.callAt ? waitMinutes(now, plan.callAt) : null
		};
	});
	return {
		day: ref.day,
		timezone: home.timezone,
		perDoctorTokens: home.perDoctorTokens,
		builtAt: now.toISOString(),
		doctors: day.doctors.map((d) => ({
			id: d.id,
			name: d.name,
			consultationMinutes: Math.round(d.consultationMs / 60_000),
			withDoctor: d.withDoctor?.id ?? null,
			room: d.room
		})),
		tokens
	} satisfies QueueContent;
}
