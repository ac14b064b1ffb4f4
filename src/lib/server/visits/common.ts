import { and, eq } from 'drizzle-orm';
import { clinic, visit, type Visit } from '../db/schema';
import type { Db, Tx } from '../db';
import { appendAudit } from '../audit/audit';
import { notFound } from '../errors';
import { isUuid } from '../text';
import { formatRef } from '../tenancy/counters';
import { documentName } from '../../sync/protocol';
import type { ClinicContext } from '../tenancy/context';

/** The visit's human reference, `ABC01-V1000`. */
export const visitRef = (clinicCode: string, refNo: number) => formatRef(clinicCode, 'V', refNo);

export const chartName = (visitId: string) => documentName.chart(visitId);

/** The visit of this clinic; anything else (another clinic's, a malformed id) is simply not found. */
export async function findVisit(db: Db | Tx, clinicId: string, visitId: string): Promise<Visit> {
	if (!isUuid(visitId)) throw notFound('No such visit');
	const [row] = await db
		.select()
		.from(visit)
		.where(and(eq(visit.clinicId, clinicId), eq(visit.id, visitId)));
	if (!row) throw notFound('No such visit');
	return row;
}

/** The visit, locked against other commands on it (completion, a chart write, a queue call) until commit. */
export async function lockVisit(tx: Tx, clinicId: string, visitId: string): Promise<Visit> {
	const [row] = await tx
		.select()
		.from(visit)
		.where(and(eq(visit.clinicId, clinicId), eq(visit.id, visitId)))
		.for('update');
	if (!row) throw notFound('No such visit');
	return row;
}

export async function clinicCodeOf(db: Db | Tx, clinicId: string): Promise<string> {
	const [row] = await db.select({ code: clinic.code }).from(clinic).where(eq(clinic.id, clinicId));
	return row?.code ?? '';
}

export async function auditVisit(tx: Tx, ctx: ClinicContext, action: string, row: Visit, data: Record<string, unknown> = {}) {
	await appendAudit(tx, {
		clinicId: ctx.clinicId,
		actorUserId: ctx.actor.userId,
		action,
		entityType: 'visit',
		entityId: row.id,
		data: { patientId: row.patientId, doctorId: row.doctorId, ...data }
	});
}
