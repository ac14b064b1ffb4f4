import { visitAddendum } from '../db/schema';
import type { Db } from '../db';
import { requiredIdempotency, runCommand } from '../command';
import { AppError, forbidden } from '../errors';
import { parseInput } from '../validation';
import type { ClinicContext } from '../tenancy/context';
import { documentsChanged } from '../sync/changes';
import { documentName } from '../../sync/protocol';
import { can } from './policy';
import { addendumInput } from './schema';
import { auditVisit, chartName, findVisit, lockVisit } from './common';
import { presentVisit, type VisitView } from './queries';

/**
 * A signed addendum to a completed visit (the visit itself never changes again): its author is
 * the caller, any doctor or nurse of the clinic, with the text and why it is added. An open visit
 * is refused with `visit_not_completed` (its chart is still being written).
 */
export async function addAddendum(db: Db, ctx: ClinicContext, visitId: string, input: unknown, now = new Date()): Promise<VisitView> {
	if (!can(ctx.actor, 'visit.amend')) throw forbidden();
	await findVisit(db, ctx.clinicId, visitId);
	const data = parseInput(addendumInput, input);
	const idempotency = requiredIdempotency(`visit.addendum:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, { visitId, ...data });
	return runCommand(db, idempotency, async (tx) => {
		const row = await lockVisit(tx, ctx.clinicId, visitId);
		if (row.status !== 'completed') throw new AppError('visit_not_completed', 409, 'An addendum is added to a completed visit');
		const [added] = await tx
			.insert(visitAddendum)
			.values({ clinicId: row.clinicId, visitId: row.id, authorId: ctx.actor.userId, text: data.text, reason: data.reason, createdAt: now })
			.returning({ id: visitAddendum.id });
		await auditVisit(tx, ctx, 'visit.addendum', row, { addendumId: added.id, reason: data.reason });
		// Whoever has the completed chart open sees the addendum arrive (contracts/chart.ts, CHART_RECORD_CHANGED_MESSAGE).
		await documentsChanged(tx, [chartName(row.id), documentName.patientLive(row.patientId)]);
		return presentVisit(tx, row);
	});
}
