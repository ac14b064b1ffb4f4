import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { notFound } from '$lib/server/errors';
import { apiRoute, methodNotAllowed, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { readCommand } from '$lib/server/edge/idempotency';
import { acceptReferral, declineReferral } from '$lib/server/referrals/referrals';
import { referralView } from '$lib/server/openapi/referrals';
import type { RequestHandler } from './$types';

/** The receiving doctor answers a referral: accept or decline (with the reason). */
export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	if (params.action !== 'accept' && params.action !== 'decline') throw notFound();
	const { ctx } = await requireApiClinic(locals, params.code);
	const id = resourceId(params.id);
	const body = await readCommand(request, { bodyOptional: params.action === 'accept' });
	const { db } = await getDatabase();
	const view = params.action === 'accept' ? await acceptReferral(db, ctx, id, body) : await declineReferral(db, ctx, id, body);
	return json(referralView.parse(view));
});

export const fallback = methodNotAllowed('POST');
