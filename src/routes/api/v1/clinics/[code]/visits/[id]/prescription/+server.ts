import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { readCommand } from '$lib/server/edge/idempotency';
import { visitPrescription } from '$lib/server/prescribing/prescription';
import { savePrescription } from '$lib/server/prescribing/savePrescription';
import { prescriptionView } from '$lib/server/openapi/pharmacy';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	return json(prescriptionView.parse(await visitPrescription(db, ctx, resourceId(params.id))));
});

export const PUT: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readCommand(request);
	const { db } = await getDatabase();
	return json(prescriptionView.parse(await savePrescription(db, ctx, resourceId(params.id), body)));
});

export const fallback = methodNotAllowed('GET', 'PUT');
