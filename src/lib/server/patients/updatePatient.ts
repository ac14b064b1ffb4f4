import { and, eq } from 'drizzle-orm';
import { patient } from '../db/schema/patients';
import { clinic } from '../db/schema';
import type { Db } from '../db';
import { runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { conflict, forbidden, notFound } from '../errors';
import { parseInput } from '../validation';
import type { ClinicContext } from '../tenancy/context';
import { clinicToday } from '../../time';
import { can } from './policy';
import { patientInput } from './schema';
import { birthFields } from './registerPatient';

/** Optional fields a correction may empty: `null` (or an empty string) stores NULL. */
export const CLEARABLE = ['dateOfBirth', 'sex', 'phone', 'email', 'nationalId', 'externalRef', 'emergencyContactPhone'] as const;

/** Splits the fields being emptied from the ones to validate. */
function splitCleared(input: unknown): { rest: unknown; cleared: string[] } {
	if (!input || typeof input !== 'object' || Array.isArray(input)) return { rest: input, cleared: [] };
	const entries = Object.entries(input);
	const isCleared = ([key, value]: [string, unknown]) => (CLEARABLE as readonly string[]).includes(key) && (value === null || value === '');
	return { rest: Object.fromEntries(entries.filter((e) => !isCleared(e))), cleared: entries.filter(isCleared).map(([key]) => key) };
}

/** Changes the fields given (a partial update); the audit row names which fields changed. */
export async function updatePatient(db: Db, ctx: ClinicContext, patientId: string, input: unknown) {
	if (!can(ctx.actor, 'patient.edit')) throw forbidden();
	const [home] = await db.select().from(clinic).where(eq(clinic.id, ctx.clinicId));
	if (!home) throw notFound();
	const today = clinicToday(home.timezone);
	const { rest, cleared } = splitCleared(input);
	const data = parseInput(patientInput(home.country, today).partial(), rest);
	return runCommand(db, null, async (tx) => {
		const [current] = await tx
			.select()
			.from(patient)
			.where(and(eq(patient.clinicId, ctx.clinicId), eq(patient.id, patientId)))
			.for('update');
		if (!current) throw notFound('No such patient');
		if (current.mergedIntoId) throw conflict('This record was merged into another one');
		// Only the fields the caller sent change; zod's defaults must not blank the others.
		const sent = new Set(rest && typeof rest === 'object' ? Object.keys(rest) : []);
		const changes: Partial<typeof patient.$inferInsert> = Object.fromEntries(
			Object.entries(data).filter(([key]) => sent.has(key) && key !== 'age' && key !== 'dateOfBirth')
		);
		for (const key of cleared) Object.assign(changes, { [key]: null });
		// An age given beside an emptied birth date still estimates one; an empty age is no age.
		if (sent.has('dateOfBirth') || data.age !== undefined) Object.assign(changes, birthFields(data, today));
		else if (cleared.includes('dateOfBirth')) Object.assign(changes, { dobEstimated: false });
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
