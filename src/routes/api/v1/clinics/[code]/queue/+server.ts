import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { forbidden } from '$lib/server/errors';
import { parseInput } from '$lib/server/validation';
import { apiRoute, methodNotAllowed, requireApiClinic } from '$lib/server/edge/api';
import { can } from '$lib/server/queue/policy';
import { queueDayQuery } from '$lib/server/queue/schema';
import { today } from '$lib/server/queue/common';
import { projectClinicQueue } from '$lib/server/sync/projections/queue';
import { queueView } from '$lib/server/openapi/queue';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params, url }) => {
	const { clinic, ctx } = await requireApiClinic(locals, params.code);
	if (!can(ctx.actor, 'queue.view')) throw forbidden();
	const { date } = parseInput(queueDayQuery, Object.fromEntries(url.searchParams));
	const { db } = await getDatabase();
	// The same content as the live queue document, so API clients and screens agree.
	const content = await projectClinicQueue(db, { type: 'queue', clinicId: ctx.clinicId, day: date ?? today(clinic) });
	return json(queueView.parse(content));
});

export const fallback = methodNotAllowed('GET');
