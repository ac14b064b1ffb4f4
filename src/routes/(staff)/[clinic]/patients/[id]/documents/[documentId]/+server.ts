import { error } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { requireClinic } from '$lib/server/edge/access';
import { errorMessage } from '$lib/i18n/errors';
import { can } from '$lib/server/patients/policy';
import { readPatientDocument } from '$lib/server/patients/recordQueries';
import type { RequestHandler } from './$types';

/**
 * Serves a document's bytes with the type they were checked to be, always as a download and
 * never sniffed, so nothing uploaded can run as a page of this site.
 */
export const GET: RequestHandler = async (event) => {
	const { clinic, ctx } = await requireClinic(event, event.params.clinic);
	if (!can(ctx.actor, 'patient.documents')) error(403, { message: errorMessage('forbidden'), code: 'forbidden' });
	const { db } = await getDatabase();
	const found = await readPatientDocument(db, clinic.id, event.params.id, event.params.documentId);
	if (!found) error(404, { message: errorMessage('not_found'), code: 'not_found' });
	const { document, bytes } = found;
	const ascii = document.fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
	return new Response(Buffer.from(bytes), {
		headers: {
			'content-type': document.contentType,
			'content-length': String(bytes.byteLength),
			'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(document.fileName)}`,
			'x-content-type-options': 'nosniff',
			'cache-control': 'private, no-store',
			'content-security-policy': "default-src 'none'; sandbox"
		}
	});
};
