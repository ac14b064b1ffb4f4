import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, created, methodNotAllowed, readUpload, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { withIdempotencyKey } from '$lib/server/edge/idempotency';
import { addAttachment, attachableVisit } from '$lib/server/visits/addAttachment';
import { listVisitAttachments } from '$lib/server/visits/attachments';
import { MAX_ATTACHMENT_BYTES } from '$lib/server/visits/attachmentType';
import { attachmentListView, attachmentView } from '$lib/server/openapi/visitAttachments';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	return json(attachmentListView.parse({ attachments: await listVisitAttachments(db, ctx, resourceId(params.id)) }));
});

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const visitId = resourceId(params.id);
	const { db } = await getDatabase();
	// Refused callers are answered before their upload is read.
	await attachableVisit(db, ctx, visitId);
	const { fields, file } = await readUpload(request, MAX_ATTACHMENT_BYTES);
	const input = withIdempotencyKey(request, { ...fields, fileName: file?.name ?? '' });
	const added = await addAttachment(db, ctx, visitId, { fields: input, bytes: file?.bytes ?? new Uint8Array() });
	return created(attachmentView.parse(added));
});

export const fallback = methodNotAllowed('GET', 'POST');
