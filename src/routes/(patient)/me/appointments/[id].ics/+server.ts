import { error, redirect } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { isAppError } from '$lib/server/errors';
import { patientAppointment } from '$lib/server/scheduling/patientBooking';
import { appointmentIcs } from '$lib/server/scheduling/ics';
import { formatRef } from '$lib/server/tenancy/counters';
import type { RequestHandler } from './$types';

/** A patient's own appointment as an iCalendar file; someone else's is not found. */
export const GET: RequestHandler = async ({ locals, params }) => {
	if (!locals.user) redirect(303, '/login');
	const { db } = await getDatabase();
	try {
		const { appointment: a, doctorName, clinic } = await patientAppointment(db, locals.user.id, params.id);
		const ref = formatRef(clinic.code, 'A', a.refNo);
		const body = appointmentIcs({
			id: a.id,
			ref,
			start: a.startsAt,
			end: a.endsAt,
			doctorName,
			clinicName: clinic.name,
			clinicAddress: [clinic.city, clinic.state].filter(Boolean).join(', '),
			status: a.status
		});
		return new Response(body, {
			headers: { 'content-type': 'text/calendar; charset=utf-8', 'content-disposition': `attachment; filename="${ref}.ics"`, 'cache-control': 'no-store' }
		});
	} catch (e) {
		if (isAppError(e) && e.status === 404) error(404, 'Not found');
		throw e;
	}
};
