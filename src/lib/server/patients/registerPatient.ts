import { eq } from 'drizzle-orm';
import { patient, type Patient } from '../db/schema/patients';
import { clinic } from '../db/schema';
import type { Db } from '../db';
import { optionalIdempotency, runCommand, storedResponse } from '../command';
import { appendAudit } from '../audit/audit';
import { forbidden, notFound } from '../errors';
import { parseInput } from '../validation';
import { nextNumber, formatRef } from '../tenancy/counters';
import type { ClinicContext } from '../tenancy/context';
import { can } from './policy';
import { patientInput, type PatientInput } from './schema';
import { findPossibleDuplicates, type PatientSummary } from './queries';
import { clinicToday } from '../../time';

export type RegisterResult = { status: 'created'; patient: Patient; ref: string } | { status: 'possible_duplicates'; candidates: PatientSummary[] };

/** The record fields from validated input; an age alone becomes an estimated birth date. */
export function recordFields(data: PatientInput, today: string) {
	const { age: _age, ...rest } = data;
	return { ...rest, ...nullable(data), ...birthFields(data, today) };
}

export function birthFields(data: Pick<PatientInput, 'dateOfBirth' | 'age'>, today: string) {
	const estimated = !data.dateOfBirth && data.age !== undefined;
	const dateOfBirth = data.dateOfBirth ?? (estimated ? `${Number(today.slice(0, 4)) - (data.age ?? 0)}-07-01` : null);
	return { dateOfBirth, dobEstimated: estimated };
}

/** Optional fields absent from the input are stored as NULL, not as undefined. */
function nullable(data: Partial<PatientInput>) {
	const { age: _age, ...rest } = data;
	return {
		...rest,
		sex: data.sex ?? null,
		phone: data.phone ?? null,
		email: data.email ?? null,
		nationalId: data.nationalId ?? null,
		externalRef: data.externalRef ?? null,
		emergencyContactPhone: data.emergencyContactPhone ?? null
	};
}

/**
 * Registers a patient with the clinic's next reference (ABC01-P1042). When the record looks like
 * someone already registered, nothing is created and the candidates come back as a warning,
 * unless the desk confirmed it is a different person (`allowDuplicate`).
 */
export async function registerPatient(
	db: Db,
	ctx: ClinicContext,
	input: unknown,
	options: { allowDuplicate?: boolean; idempotencyKey?: string } = {}
): Promise<RegisterResult> {
	if (!can(ctx.actor, 'patient.register')) throw forbidden();
	const [home] = await db.select().from(clinic).where(eq(clinic.id, ctx.clinicId));
	if (!home) throw notFound();
	const today = clinicToday(home.timezone);
	const data = parseInput(patientInput(home.country, today), input);
	const fields = recordFields(data, today);
	const idempotency = optionalIdempotency(`patient.register:${ctx.clinicId}`, ctx.actor.userId, options.idempotencyKey, data);
	// A retry of a registration that went through answers as the first did, before the duplicate check would see its own record.
	const stored = idempotency ? await storedResponse(db, idempotency) : null;
	if (stored && isCreated(stored.response)) return stored.response;
	if (!options.allowDuplicate) {
		const candidates = await findPossibleDuplicates(db, ctx.clinicId, fields);
		if (candidates.length > 0) return { status: 'possible_duplicates', candidates };
	}
	return runCommand(db, idempotency, async (tx) => {
		const refNo = await nextNumber(tx, ctx.clinicId, 'P');
		const [row] = await tx
			.insert(patient)
			.values({ ...fields, clinicId: ctx.clinicId, refNo, createdBy: ctx.actor.userId })
			.returning();
		const ref = formatRef(home.code, 'P', refNo);
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'patient.register',
			entityType: 'patient',
			entityId: row.id,
			data: { ref, duplicateConfirmed: options.allowDuplicate === true }
		});
		return { status: 'created' as const, patient: row, ref };
	});
}

function isCreated(value: unknown): value is RegisterResult {
	return typeof value === 'object' && value !== null && 'status' in value && value.status === 'created';
}
