import { clinic, membership } from '../db/schema';
import { currencyColumns } from './money';
import type { Db } from '../db';
import { runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { conflict, forbidden } from '../errors';
import { isUniqueViolation } from '../db/errors';
import { parseInput } from '../validation';
import { clinicInput } from './schema';
import { activeMemberships } from './queries';
import { can } from './policy';

/**
 * A further clinic (a branch). Only an admin of some clinic may create one, and becomes its
 * admin. The branch hangs under `fromClinicId` when the actor administers it (the clinic they
 * were working in), else under the first clinic they administer.
 */
export async function createClinic(db: Db, actorUserId: string, input: unknown, opts: { fromClinicId?: string | null } = {}) {
	const memberships = await activeMemberships(db, actorUserId);
	const administered = memberships.filter((m) => can({ userId: actorUserId, role: m.role }, 'branch.create'));
	const parent = administered.find((m) => m.clinicId === opts.fromClinicId) ?? administered[0];
	if (!parent) throw forbidden('Only a clinic admin can create a clinic');
	const data = parseInput(clinicInput, input);
	try {
		return await runCommand(db, null, async (tx) => {
			const [created] = await tx
				.insert(clinic)
				.values({ ...data, ...currencyColumns(data.currency), parentClinicId: parent.clinicId })
				.returning();
			await tx.insert(membership).values({ clinicId: created.id, userId: actorUserId, role: 'admin' });
			await appendAudit(tx, {
				clinicId: created.id,
				actorUserId,
				action: 'clinic.create',
				entityType: 'clinic',
				entityId: created.id,
				data: { code: created.code, parentClinicId: parent.clinicId }
			});
			return created;
		});
	} catch (e) {
		if (isUniqueViolation(e, 'clinic_code_key')) throw conflict('That clinic code is taken', 'clinic_code_taken', 'code');
		throw e;
	}
}
