import { eq } from 'drizzle-orm';
import { appUser, clinic } from '../db/schema';
import type { Db } from '../db';
import { runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { AppError, forbidden } from '../errors';
import { parseInput } from '../validation';
import { clinicSettingsInput } from './schema';
import { can } from './policy';
import type { ClinicContext } from './context';
import { clinicDocumentsChanged } from '../sync/changes';

/**
 * Name, branding, the clinic-wide 2FA rule, the temperature unit, the pharmacy's near-expiry days,
 * and billing's fiscal year start and tax number. An empty colour, tagline or tax number clears it.
 */
export async function updateClinicSettings(db: Db, ctx: ClinicContext, input: unknown) {
	if (!can(ctx.actor, 'clinic.manage')) throw forbidden('Only a clinic admin can change its settings');
	const data = parseInput(clinicSettingsInput, input);
	return runCommand(db, null, async (tx) => {
		if (data.require2fa) {
			// Requiring 2FA sends staff without it to enrol first; an admin without it would lock themselves out.
			const [actor] = await tx.select({ totpKey: appUser.totpKey }).from(appUser).where(eq(appUser.id, ctx.actor.userId));
			if (!actor?.totpKey) throw new AppError('own_two_factor_required', 409, 'Turn on two-factor authentication for your own account first', 'require2fa');
		}
		const branding = { ...(data.color ? { color: data.color } : {}), ...(data.tagline ? { tagline: data.tagline } : {}) };
		const unit = data.temperatureUnit ? { temperatureUnit: data.temperatureUnit } : {};
		const expiry = data.nearExpiryDays === undefined ? {} : { nearExpiryDays: data.nearExpiryDays };
		const billing = {
			...(data.fiscalYearStartMonth === undefined ? {} : { fiscalYearStartMonth: data.fiscalYearStartMonth }),
			...(data.taxNumber === undefined ? {} : { taxNumber: data.taxNumber })
		};
		const [row] = await tx
			.update(clinic)
			.set({ name: data.name, require2fa: data.require2fa, branding, ...unit, ...expiry, ...billing })
			.where(eq(clinic.id, ctx.clinicId))
			.returning();
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'clinic.settings',
			entityType: 'clinic',
			entityId: ctx.clinicId,
			data: { name: data.name, require2fa: data.require2fa, branding, ...unit, ...expiry, ...billing }
		});
		// The name and branding show on the displays and patients' screens; the 2FA rule decides who may keep documents open.
		await clinicDocumentsChanged(tx, [ctx.clinicId]);
		return row;
	});
}
