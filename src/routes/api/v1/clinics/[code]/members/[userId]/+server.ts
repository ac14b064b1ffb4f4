import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { badRequest, forbidden, notFound } from '$lib/server/errors';
import { parseInput } from '$lib/server/validation';
import { apiRoute, methodNotAllowed, readJson, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { changeMemberRole, setMemberStatus } from '$lib/server/tenancy/members';
import { listMembers } from '$lib/server/tenancy/queries';
import { can } from '$lib/server/tenancy/policy';
import { memberStateView, memberUpdateInput } from '$lib/server/openapi/tenancy';
import type { RequestHandler } from './$types';

/**
 * Role first, then status. Each is its own command, but only the last admin's change can fail
 * after validation, and demoting the last admin already fails on the role, before anything is
 * written; so a refused PATCH leaves the member as they were.
 */
export const PATCH: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const userId = resourceId(params.userId);
	const body = await readJson(request);
	if (!can(ctx.actor, 'members.manage')) throw forbidden();
	const change = parseInput(memberUpdateInput, body);
	if (!change.role && !change.status) throw badRequest('Send a role or a status', 'role', 'field_required');
	const { db } = await getDatabase();
	const before = (await listMembers(db, ctx.clinicId)).find((m) => m.userId === userId);
	if (!before) throw notFound('No such member');
	if (change.role) await changeMemberRole(db, ctx, userId, { role: change.role });
	if (change.status) await setMemberStatus(db, ctx, userId, change.status);
	return json(memberStateView.parse({ userId, role: change.role ?? before.role, status: change.status ?? before.status }));
});

export const fallback = methodNotAllowed('PATCH');
