import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, created, methodNotAllowed, requireApiUser } from '$lib/server/edge/api';
import { readCommand } from '$lib/server/edge/idempotency';
import { patientAppointments, requestAppointmentAsPatient } from '$lib/server/scheduling/patientBooking';
import { appointmentView, patientAppointmentsView } from '$lib/server/openapi/scheduling';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals }) => {
	const user = requireApiUser(locals);
	const { db } = await getDatabase();
	return json(patientAppointmentsView.parse({ appointments: await patientAppointments(db, user.id) }));
});

export const POST: RequestHandler = apiRoute(async ({ locals, request }) => {
	const user = requireApiUser(locals);
	const body = await readCommand(request);
	const { db } = await getDatabase();
	const booked = await requestAppointmentAsPatient(db, user.id, body);
	return created(appointmentView.parse(booked));
});

export const fallback = methodNotAllowed('GET', 'POST');
