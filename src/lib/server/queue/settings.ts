import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { clinic } from '../db/schema';
import type { Db } from '../db';
import { runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { forbidden } from '../errors';
import { parseInput } from '../validation';
import type { ClinicContext } from '../tenancy/context';
import { can } from './policy';

const numberingInput = z.object({ perDoctorTokens: z.boolean() });

/** Clinic-wide token numbers (`014`) or one sequence per doctor (`D2-014`), from the next check-in on. */
export async function setTokenNumbering(db: Db, ctx: ClinicContext, input: unknown) {
	if (!can(ctx.actor, 'queue.settings')) throw forbidden('Only a clinic admin can change token numbering');
	const { perDoctorTokens } = parseInput(numberingInput, input);
	return runCommand(db, null, async (tx) => {
		await tx.update(clinic).set({ perDoctorTokens }).where(eq(clinic.id, ctx.clinicId));
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'queue.numbering',
			entityType: 'clinic',
			entityId: ctx.clinicId,
			data: { perDoctorTokens }
		});
		return { perDoctorTokens };
	});
}
