import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { readCommand } from '$lib/server/edge/idempotency';
import { stopMedication } from '$lib/server/patients/record';
import type { RequestHandler } from './$types';

/** The entry stays on the record (who ended it, when) and is listed no more. */
export const DELETE: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const id = resourceId(params.id);
	const body = await readCommand(request, { bodyOptional: true });
	const { db } = await getDatabase();
	await stopMedication(db, ctx, id, params.medicationId, body);
	return new Response(null, { status: 204 });
});

export const fallback = methodNotAllowed('DELETE');
