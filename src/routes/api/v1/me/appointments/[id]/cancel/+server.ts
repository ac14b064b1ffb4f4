import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiUser } from '$lib/server/edge/api';
import { readCommand } from '$lib/server/edge/idempotency';
import { cancelAppointmentAsPatient } from '$lib/server/scheduling/patientBooking';
import { appointmentView } from '$lib/server/openapi/scheduling';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const user = requireApiUser(locals);
	// The reason is optional, and so is a body that would only carry it (the key may come as a header).
	const body = await readCommand(request, { bodyOptional: true });
	const { db } = await getDatabase();
	const cancelled = await cancelAppointmentAsPatient(db, user.id, params.id, body);
	return json(appointmentView.parse(cancelled));
});

export const fallback = methodNotAllowed('POST');
