import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, created, methodNotAllowed, readJson, requireApiClinic } from '$lib/server/edge/api';
import { clinicWaitlist, joinWaitlist } from '$lib/server/scheduling/waitlist';
import { waitlistEntryView, waitlistView } from '$lib/server/openapi/scheduling';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	const entries = await clinicWaitlist(db, ctx);
	return json(waitlistView.parse({ entries: entries.map((e) => ({ ...e, offeredStart: e.offeredStart?.toISOString() ?? null })) }));
});

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readJson(request);
	const { db } = await getDatabase();
	const row = await joinWaitlist(db, ctx, body);
	return created(waitlistEntryView.parse({ ...row, offeredStart: row.offeredStart?.toISOString() ?? null }));
});

export const fallback = methodNotAllowed('GET', 'POST');
