import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { openVisitAttachment } from '$lib/server/visits/attachments';
import type { RequestHandler } from './$types';

/**
 * An attachment's bytes, streamed from the store with the type they were checked to be and never
 * sniffed. Photos and voice notes are shown by `<img>` and `<audio>` on the chart; opening one as
 * a page downloads it (`attachment`), and the sandbox policy keeps anything in it from running as
 * a page of this site.
 */
export const GET: RequestHandler = apiRoute(async ({ locals, params }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	const { document, body, size } = await openVisitAttachment(db, ctx, resourceId(params.id), params.attachmentId);
	const ascii = document.fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
	return new Response(body, {
		headers: {
			'content-type': document.contentType,
			'content-length': String(size),
			'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(document.fileName)}`,
			'x-content-type-options': 'nosniff',
			'cache-control': 'private, no-store',
			'content-security-policy': "default-src 'none'; sandbox"
		}
	});
});

export const fallback = methodNotAllowed('GET');
