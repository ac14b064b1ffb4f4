import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiUser } from '$lib/server/edge/api';
import { activeMemberships } from '$lib/server/tenancy/queries';
import { meView } from '$lib/server/openapi/auth';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals }) => {
	const user = requireApiUser(locals);
	const { db } = await getDatabase();
	const memberships = await activeMemberships(db, user.id);
	return json(meView.parse({ user, memberships }));
});

export const fallback = methodNotAllowed('GET');
