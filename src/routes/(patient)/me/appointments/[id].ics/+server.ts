import { error, redirect } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { isAppError } from '$lib/server/errors';
import { patientAppointment } from '$lib/server/scheduling/patientBooking';
import { appointmentIcsResponse } from '$lib/server/scheduling/ics';
import type { RequestHandler } from './$types';

/** A patient's own appointment as an iCalendar file; someone else's is not found. */
export const GET: RequestHandler = async ({ locals, params }) => {
	if (!locals.user) redirect(303, '/login');
	const { db } = await getDatabase();
	try {
		const { appointment: a, doctorName, clinic } = await patientAppointment(db, locals.user.id, params.id);
		return appointmentIcsResponse(clinic, a, doctorName);
	} catch (e) {
		if (isAppError(e) && e.status === 404) error(404, 'Not found');
		throw e;
	}
};
