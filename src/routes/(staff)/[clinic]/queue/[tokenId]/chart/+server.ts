import { error, redirect } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { requireClinic } from '$lib/server/edge/access';
import { errorMessage } from '$lib/i18n/errors';
import { visitOfToken } from '$lib/server/visits/chartPage';
import type { RequestHandler } from './$types';

/** "Open chart" from the queue: finds the visit the token's call opened and goes to its chart (404 when there is none, or for the desk). */
export const GET: RequestHandler = async (event) => {
	const { ctx } = await requireClinic(event, event.params.clinic);
	const { db } = await getDatabase();
	const visitId = await visitOfToken(db, ctx, event.params.tokenId);
	if (!visitId) error(404, { message: errorMessage('not_found'), code: 'not_found' });
	redirect(303, `/${event.params.clinic}/visits/${visitId}`);
};
