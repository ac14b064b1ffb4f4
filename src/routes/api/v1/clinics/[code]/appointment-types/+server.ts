import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, created, methodNotAllowed, readJson, requireApiClinic } from '$lib/server/edge/api';
import { createAppointmentType, listAppointmentTypes } from '$lib/server/scheduling/appointmentTypes';
import { appointmentTypeView, appointmentTypesView } from '$lib/server/openapi/appointmentTypes';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	return json(appointmentTypesView.parse({ types: await listAppointmentTypes(db, ctx) }));
});

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readJson(request);
	const { db } = await getDatabase();
	return created(appointmentTypeView.parse(await createAppointmentType(db, ctx, body)));
});

export const fallback = methodNotAllowed('GET', 'POST');
