import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, created, methodNotAllowed, requireApiClinic } from '$lib/server/edge/api';
import { readCommand } from '$lib/server/edge/idempotency';
import { listDoctorShares, setDoctorShare } from '$lib/server/billing/earnings';
import { doctorSharesView, doctorShareView } from '$lib/server/openapi/billing';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params, url }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	return json(doctorSharesView.parse(await listDoctorShares(db, ctx, Object.fromEntries(url.searchParams))));
});

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readCommand(request);
	const { db } = await getDatabase();
	return created(doctorShareView.parse(await setDoctorShare(db, ctx, body)));
});

export const fallback = methodNotAllowed('GET', 'POST');
