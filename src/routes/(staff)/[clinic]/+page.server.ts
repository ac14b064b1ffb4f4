import { getDatabase } from '$lib/server/db';
import { listMembers } from '$lib/server/tenancy/queries';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent }) => {
	const { clinic } = await parent();
	const { db } = await getDatabase();
	const members = await listMembers(db, clinic.id);
	return { staff: members.filter((m) => m.status === 'active').map((m) => ({ userId: m.userId, name: m.name, role: m.role })) };
};
