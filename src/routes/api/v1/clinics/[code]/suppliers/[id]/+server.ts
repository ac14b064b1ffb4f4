import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, readJson, requireApiClinic } from '$lib/server/edge/api';
import { updateSupplier } from '$lib/server/pharmacy/suppliers';
import { supplierView } from '$lib/server/openapi/purchasing';
import type { RequestHandler } from './$types';

export const PATCH: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readJson(request);
	const { db } = await getDatabase();
	return json(supplierView.parse(await updateSupplier(db, ctx, params.id, body)));
});

export const fallback = methodNotAllowed('PATCH');
