import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { forbidden } from '$lib/server/errors';
import { apiRoute, created, methodNotAllowed, readJson, requireApiClinic } from '$lib/server/edge/api';
import { addMember } from '$lib/server/tenancy/members';
import { listMembers } from '$lib/server/tenancy/queries';
import { can } from '$lib/server/tenancy/policy';
import { addedMemberView, membersView } from '$lib/server/openapi/tenancy';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	if (!can(ctx.actor, 'members.view')) throw forbidden();
	const { db } = await getDatabase();
	return json(membersView.parse({ members: await listMembers(db, ctx.clinicId) }));
});

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readJson(request);
	const { db } = await getDatabase();
	return created(addedMemberView.parse(await addMember(db, ctx, body)));
});

export const fallback = methodNotAllowed('GET', 'POST');
