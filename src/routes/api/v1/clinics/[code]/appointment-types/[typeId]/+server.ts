import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, readJson, requireApiClinic } from '$lib/server/edge/api';
import { updateAppointmentType } from '$lib/server/scheduling/appointmentTypes';
import { appointmentTypeView } from '$lib/server/openapi/appointmentTypes';
import type { RequestHandler } from './$types';

export const PATCH: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readJson(request);
	const { db } = await getDatabase();
	// The command refuses the wrong role before it looks for the type, so a 404 never tells a non-admin which ids exist.
	return json(appointmentTypeView.parse(await updateAppointmentType(db, ctx, params.typeId, body)));
});

export const fallback = methodNotAllowed('PATCH');
