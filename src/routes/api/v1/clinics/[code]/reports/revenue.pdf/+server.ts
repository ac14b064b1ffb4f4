import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiClinic } from '$lib/server/edge/api';
import { revenuePdf } from '$lib/server/billing/revenuePdf';
import type { RequestHandler } from './$types';

/** The revenue report as a bilingual A4 PDF; refusals stay JSON. */
export const GET: RequestHandler = apiRoute(async ({ locals, params, url }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	const { filename, bytes } = await revenuePdf(db, ctx, Object.fromEntries(url.searchParams));
	return new Response(new Uint8Array(bytes), {
		headers: { 'content-type': 'application/pdf', 'content-disposition': `inline; filename="${filename}"`, 'cache-control': 'no-store' }
	});
});

export const fallback = methodNotAllowed('GET');
