import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, created, methodNotAllowed, readJson, requireApiClinic } from '$lib/server/edge/api';
import { createSupplier, listSuppliers } from '$lib/server/pharmacy/suppliers';
import { supplierView, suppliersView } from '$lib/server/openapi/purchasing';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	return json(suppliersView.parse(await listSuppliers(db, ctx)));
});

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readJson(request);
	const { db } = await getDatabase();
	return created(supplierView.parse(await createSupplier(db, ctx, body)));
});

export const fallback = methodNotAllowed('GET', 'POST');
