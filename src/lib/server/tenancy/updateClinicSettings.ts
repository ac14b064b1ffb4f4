import { eq } from 'drizzle-orm';
import { clinic } from '../db/schema';
import type { Db } from '../db';
import { runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { forbidden } from '../errors';
import { parseInput } from '../validation';
import { clinicSettingsInput } from './schema';
import { can } from './policy';
import type { ClinicContext } from './members';

export async function updateClinicSettings(db: Db, ctx: ClinicContext, input: unknown) {
	if (!can(ctx.actor, 'clinic.manage')) throw forbidden('Only a clinic admin can change its settings');
	const data = parseInput(clinicSettingsInput, input);
	return runCommand(db, null, async (tx) => {
		const [row] = await tx
			.update(clinic)
			.set({ name: data.name, require2fa: data.require2fa, branding: { color: data.color, tagline: data.tagline } })
			.where(eq(clinic.id, ctx.clinicId))
			.returning();
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'clinic.settings',
			entityType: 'clinic',
			entityId: ctx.clinicId,
			data
		});
		return row;
	});
}
