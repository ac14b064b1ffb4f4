import { error, type RequestEvent } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { requireClinic } from '$lib/server/edge/access';
import { resourceId } from '$lib/server/edge/api';
import { isAppError } from '$lib/server/errors';
import { errorMessage } from '$lib/i18n/errors';
import { prescriptionSheet, type PrescriptionSheet } from '$lib/server/prescribing/sheet';

/** The prescription sheet for a page of this visit; a refusal (403, 404) is the page's error, in the reader's language. */
export async function loadSheet(
	event: Pick<RequestEvent, 'locals' | 'url' | 'setHeaders'> & { params: { clinic: string; id: string } }
): Promise<PrescriptionSheet> {
	const { ctx } = await requireClinic(event, event.params.clinic);
	const { db } = await getDatabase();
	event.setHeaders({ 'cache-control': 'no-store' });
	try {
		return await prescriptionSheet(db, ctx, resourceId(event.params.id));
	} catch (e) {
		if (isAppError(e) && e.status < 500) error(e.status, { code: e.code, message: errorMessage(e.code) });
		throw e;
	}
}
