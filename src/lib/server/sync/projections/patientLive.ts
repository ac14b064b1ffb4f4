import { eq } from 'drizzle-orm';
import type { DocumentRef } from '../../../sync/protocol';
import { patient } from '../../db/schema';
import type { Db } from '../../db';
import type { FactsLocator } from '../catalogue';
import type { ProjectionContent } from '../projection';
import { findClinicAccessById } from '../../tenancy/queries';
import { loadClinic, today } from '../../queue/common';
import { loadQueueDay, tokenLabel } from '../../queue/queries';
import { waitMinutes } from '../../queue/estimate';

/**
 * `patient/{id}/live`: one patient record's own view of today: their token, its state, how many
 * are ahead and the estimated wait. Nothing about other patients.
 */
export async function projectPatientLive(db: Db, ref: DocumentRef): Promise<ProjectionContent> {
	if (ref.type !== 'patientLive') throw new Error(`patientLive projection asked for ${ref.type}`);
	const [record] = await db.select({ clinicId: patient.clinicId }).from(patient).where(eq(patient.id, ref.patientId));
	if (!record) return { queue: null };
	const home = await loadClinic(db, record.clinicId);
	const now = new Date();
	const day = await loadQueueDay(db, home.id, today(home, now), now);
	const mine = day.tokens.filter((t) => t.patientId === ref.patientId).sort((a, b) => b.checkedInAt.getTime() - a.checkedInAt.getTime())[0];
	if (!mine) return { clinic: { name: home.name, code: home.code }, day: day.day, queue: null };
	const plan = day.plan.find((p) => p.tokenId === mine.id);
	const doctorId = mine.calledBy ?? plan?.doctorId ?? mine.doctorId;
	return {
		clinic: { name: home.name, code: home.code },
		day: day.day,
		queue: {
			token: tokenLabel(mine),
			status: mine.status,
			ahead: plan ? plan.ahead : null,
			waitMinutes: plan ? waitMinutes(now, plan.callAt) : null,
			doctor: day.doctors.find((d) => d.id === doctorId)?.name ?? null,
			calledAt: mine.calledAt?.toISOString() ?? null,
			checkedInAt: mine.checkedInAt.toISOString()
		}
	};
}

/** Who may open a patient's live document: that patient's account, and staff of the record's clinic. */
export const locatePatientLive: FactsLocator = async (db, ref, actor) => {
	if (ref.type !== 'patientLive') return null;
	const [record] = await db.select({ clinicId: patient.clinicId, userId: patient.userId }).from(patient).where(eq(patient.id, ref.patientId));
	if (!record) return null;
	const role = actor.kind === 'user' ? ((await findClinicAccessById(db, actor.userId, record.clinicId))?.role ?? null) : null;
	return { clinicId: record.clinicId, role, closed: false, patientUserId: record.userId };
};
