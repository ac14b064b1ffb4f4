import type { Db } from '../db';
import type { Role } from '../db/schema';
import { clinicAccess } from '../tenancy/access';
import type { SyncActor } from './policy';

/**
 * The actor's role in a clinic as the one access decision grants it: null for a kiosk, another
 * clinic, a suspended membership, a reset password, or a clinic requiring a second factor they lack.
 */
export async function roleIn(db: Db, actor: SyncActor, clinicId: string): Promise<Role | null> {
	if (actor.kind !== 'user') return null;
	const user = { id: actor.userId, mustChangePassword: actor.mustChangePassword, twoFactorEnabled: actor.twoFactorEnabled };
	const decision = await clinicAccess(db, user, { id: clinicId });
	return decision.ok ? decision.access.role : null;
}
