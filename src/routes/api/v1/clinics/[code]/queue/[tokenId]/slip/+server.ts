import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { tokenSlip } from '$lib/server/queue/slip';
import { slipQuery } from '$lib/server/queue/schema';
import { parseInput } from '$lib/server/validation';
import type { RequestHandler } from './$types';

/**
 * The printable token slip, as an HTML page with a print stylesheet. Refusals answer in JSON like
 * every API error; the page itself is the desk's slip screen, rendered once for both doors.
 */
export const GET: RequestHandler = apiRoute(async (event) => {
	const { ctx } = await requireApiClinic(event.locals, event.params.code);
	const tokenId = resourceId(event.params.tokenId);
	const { paper = '80mm' } = parseInput(slipQuery, Object.fromEntries(event.url.searchParams));
	const { db } = await getDatabase();
	await tokenSlip(db, ctx, tokenId, event.url.origin);
	const page = await event.fetch(`/${encodeURIComponent(event.params.code)}/queue/${tokenId}/slip?paper=${paper}`);
	return new Response(page.body, { status: page.status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } });
});

export const fallback = methodNotAllowed('GET');
