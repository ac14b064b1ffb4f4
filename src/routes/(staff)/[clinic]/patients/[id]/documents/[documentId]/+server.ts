import { error } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { requireClinic } from '$lib/server/edge/access';
import { errorMessage } from '$lib/i18n/errors';
import { can } from '$lib/server/patients/policy';
import { openPatientDocument } from '$lib/server/patients/recordQueries';
import { toAppError } from '$lib/server/edge';
import type { RequestHandler } from './$types';

/**
 * Serves a document's bytes with the type they were checked to be, always as a download and
 * never sniffed, so nothing uploaded can run as a page of this site.
 */
export const GET: RequestHandler = async (event) => {
	const { clinic, ctx } = await requireClinic(event, event.params.clinic);
	if (!can(ctx.actor, 'patient.documents')) error(403, { message: errorMessage('forbidden'), code: 'forbidden' });
	const { db } = await getDatabase();
	const found = await openPatientDocument(db, clinic.id, event.params.id, event.params.documentId).catch((e: unknown) => {
		const err = toAppError(e);
		error(err.status, { message: errorMessage(err.code, err.params), code: err.code });
	});
	if (!found) error(404, { message: errorMessage('not_found'), code: 'not_found' });
	const { document, body, size } = found;
	const ascii = document.fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
	// Streamed from the store as it arrives, so a 10 MB scan is never held whole in memory.
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
};
