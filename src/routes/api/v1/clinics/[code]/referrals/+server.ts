import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, created, methodNotAllowed, requireApiClinic } from '$lib/server/edge/api';
import { readCommand } from '$lib/server/edge/idempotency';
import { createReferral, listReferrals } from '$lib/server/referrals/referrals';
import { referralView, referralsView } from '$lib/server/openapi/referrals';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params, url }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	const query = Object.fromEntries(url.searchParams);
	return json(referralsView.parse({ referrals: await listReferrals(db, ctx, query) }));
});

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readCommand(request);
	const { db } = await getDatabase();
	return created(referralView.parse(await createReferral(db, ctx, body)));
});

export const fallback = methodNotAllowed('GET', 'POST');
