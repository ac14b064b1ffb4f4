import { appUser, clinic, installation, membership } from '../db/schema';
import { currencyColumns } from './money';
import type { Db } from '../db';
import { runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { conflict } from '../errors';
import { isUniqueViolation } from '../db/errors';
import { hashPassword } from '../auth/password';
import { parseInput } from '../validation';
import { setupInput } from './schema';

/**
 * First run: the first clinic and its admin. The installation row's single-row check makes a
 * second setup fail in the database, even when two arrive at once.
 */
export async function setupInstallation(db: Db, input: unknown) {
	const data = parseInput(setupInput, input);
	const passwordHash = await hashPassword(data.admin.password);
	try {
		return await runCommand(db, null, async (tx) => {
			await tx.insert(installation).values({ id: 1 });
			const [newClinic] = await tx
				.insert(clinic)
				.values({ ...data.clinic, ...currencyColumns(data.clinic.currency) })
				.returning();
			const [admin] = await tx
				.insert(appUser)
				.values({ email: data.admin.email, name: data.admin.name, passwordHash, kind: 'staff' })
				.returning({ id: appUser.id, email: appUser.email, name: appUser.name });
			await tx.insert(membership).values({ clinicId: newClinic.id, userId: admin.id, role: 'admin' });
			await appendAudit(tx, {
				clinicId: newClinic.id,
				actorUserId: admin.id,
				action: 'installation.setup',
				entityType: 'clinic',
				entityId: newClinic.id,
				data: { code: newClinic.code, adminEmail: admin.email }
			});
			return { clinic: { id: newClinic.id, code: newClinic.code, name: newClinic.name }, admin };
		});
	} catch (e) {
		if (isUniqueViolation(e, 'installation_pkey')) throw conflict('Tabeeb is already set up', 'already_setup');
		throw e;
	}
}
