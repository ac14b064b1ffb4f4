import { and, eq } from 'drizzle-orm';
import { patient } from '../db/schema/patients';
import { clinic } from '../db/schema';
import type { Db } from '../db';
import { runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { conflict, forbidden, notFound } from '../errors';
import { parseInput } from '../validation';
import type { ClinicContext } from '../tenancy/members';
import { clinicToday } from '../time';
import { can } from './policy';
import { patientInput } from './schema';
import { birthFields } from './registerPatient';

/** Changes the fields given (a partial update); the audit row names which fields changed. */
export async function updatePatient(db: Db, ctx: ClinicContext, patientId: string, input: unknown) {
	if (!can(ctx.actor, 'patient.edit')) throw forbidden();
	const [home] = await db.select().from(clinic).where(eq(clinic.id, ctx.clinicId));
	if (!home) throw notFound();
	const today = clinicToday(home.timezone);
	const data = parseInput(patientInput(home.country, today).partial(), input);
	return runCommand(db, null, async (tx) => {
		const [current] = await tx
			.select()
			.from(patient)
			.where(and(eq(patient.clinicId, ctx.clinicId), eq(patient.id, patientId)))
			.for('update');
		if (!current) throw notFound('No such patient');
		if (current.mergedIntoId) throw conflict('This record was merged into another one');
		// Only the fields the caller sent change; zod's defaults must not blank the others.
		const sent = new Set(input && typeof input === 'object' ? Object.keys(input) : []);
		const changes: Partial<typeof patient.$inferInsert> = Object.fromEntries(
			Object.entries(data).filter(([key]) => sent.has(key) && key !== 'age' && key !== 'dateOfBirth')
		);
		if (sent.has('dateOfBirth') || sent.has('age')) Object.assign(changes, birthFields(data, today));
		const [row] = await tx
			.update(patient)
			.set({ ...changes, updatedAt: new Date() })
			.where(eq(patient.id, patientId))
			.returning();
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'patient.update',
			entityType: 'patient',
			entityId: patientId,
			data: { fields: Object.keys(changes) }
		});
		return row;
	});
}
