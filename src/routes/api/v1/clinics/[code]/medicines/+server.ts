import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, created, methodNotAllowed, requireApiClinic } from '$lib/server/edge/api';
import { readCommand } from '$lib/server/edge/idempotency';
import { addMedicine, searchClinicMedicines } from '$lib/server/pharmacy/medicines';
import { medicineResultsView, medicineView } from '$lib/server/openapi/pharmacy';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params, url }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	return json(medicineResultsView.parse({ results: await searchClinicMedicines(db, ctx, { q: url.searchParams.get('q') ?? '' }) }));
});

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readCommand(request);
	const { db } = await getDatabase();
	return created(medicineView.parse(await addMedicine(db, ctx, body)));
});

export const fallback = methodNotAllowed('GET', 'POST');
