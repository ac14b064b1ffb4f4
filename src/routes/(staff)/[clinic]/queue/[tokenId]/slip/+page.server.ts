import { getDatabase } from '$lib/server/db';
import { requireClinic } from '$lib/server/edge/access';
import { resourceId } from '$lib/server/edge/api';
import { tokenSlip } from '$lib/server/queue/slip';
import type { PageServerLoad } from './$types';

/** The printable slip of one token; `?paper=a6` for A6 paper instead of an 80 mm receipt roll. */
export const load: PageServerLoad = async (event) => {
	const { ctx } = await requireClinic(event, event.params.clinic);
	const { db } = await getDatabase();
	event.setHeaders({ 'cache-control': 'no-store' });
	const slip = await tokenSlip(db, ctx, resourceId(event.params.tokenId), event.url.origin);
	return { slip, paper: event.url.searchParams.get('paper') === 'a6' ? ('a6' as const) : ('80mm' as const), back: `/${event.params.clinic}/queue` };
};
