import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { notFound } from '$lib/server/errors';
import { apiRoute, methodNotAllowed, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { readCommand } from '$lib/server/edge/idempotency';
import { acceptWaitlistOffer } from '$lib/server/scheduling/acceptWaitlistOffer';
import { declineWaitlistOffer } from '$lib/server/scheduling/waitlist';
import { waitlistAcceptedView, waitlistEntryView } from '$lib/server/openapi/scheduling';
import { waitlistAcceptInput } from '$lib/server/scheduling/schema';
import { parseInput } from '$lib/server/validation';
import type { RequestHandler } from './$types';

/** The desk answers an open offer for the patient: accept (books, or moves their appointment) or decline. */
export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	if (params.action !== 'accept' && params.action !== 'decline') throw notFound();
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	const id = resourceId(params.id);
	if (params.action === 'decline') {
		const row = await declineWaitlistOffer(db, ctx, id);
		return json(waitlistEntryView.parse({ ...row, offeredStart: row.offeredStart?.toISOString() ?? null }));
	}
	const { idempotencyKey } = parseInput(waitlistAcceptInput, await readCommand(request));
	const { booked, moved } = await acceptWaitlistOffer(db, ctx, id, idempotencyKey);
	return json(waitlistAcceptedView.parse({ appointment: booked, movedFrom: moved?.toISOString() ?? null }));
});

export const fallback = methodNotAllowed('POST');
