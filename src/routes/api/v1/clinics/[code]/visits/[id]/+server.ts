import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { forbidden } from '$lib/server/errors';
import { apiRoute, methodNotAllowed, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { can } from '$lib/server/visits/policy';
import { getVisitView } from '$lib/server/visits/queries';
import { visitView } from '$lib/server/openapi/visits';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	if (!can(ctx.actor, 'chart.view')) throw forbidden();
	const { db } = await getDatabase();
	return json(visitView.parse(await getVisitView(db, ctx.clinicId, resourceId(params.id))));
});

export const fallback = methodNotAllowed('GET');
