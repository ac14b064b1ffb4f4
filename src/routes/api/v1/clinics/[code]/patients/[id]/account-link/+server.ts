import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { unlinkPatientAccount } from '$lib/server/patients/unlinkPatientAccount';
import type { RequestHandler } from './$types';

export const DELETE: RequestHandler = apiRoute(async ({ locals, params }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const id = resourceId(params.id);
	const { db } = await getDatabase();
	await unlinkPatientAccount(db, ctx, id);
	return new Response(null, { status: 204 });
});

export const fallback = methodNotAllowed('DELETE');
