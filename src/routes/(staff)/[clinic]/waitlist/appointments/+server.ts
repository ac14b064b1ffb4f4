import { error, json } from '@sveltejs/kit';
import { z } from 'zod';
import { getDatabase } from '$lib/server/db';
import { requireClinic } from '$lib/server/edge/access';
import { errorMessage } from '$lib/i18n/errors';
import { can } from '$lib/server/scheduling/policy';
import { patientUpcomingAppointments } from '$lib/server/scheduling/queries';
import { formatRef } from '$lib/server/tenancy/counters';
import type { RequestHandler } from './$types';

const query = z.object({ patient: z.uuid() });

/** The waitlist form asks which of the patient's upcoming appointments an offer would move. */
export const GET: RequestHandler = async (event) => {
	const { clinic, ctx } = await requireClinic(event, event.params.clinic);
	if (!can(ctx.actor, 'appointment.book')) error(403, { message: errorMessage('forbidden'), code: 'forbidden' });
	const parsed = query.safeParse(Object.fromEntries(event.url.searchParams));
	if (!parsed.success) return json({ appointments: [] });
	const { db } = await getDatabase();
	const rows = await patientUpcomingAppointments(db, ctx.clinicId, parsed.data.patient);
	return json({
		appointments: rows.map((a) => ({ id: a.id, ref: formatRef(clinic.code, 'A', a.refNo), doctorId: a.doctorId, start: a.startsAt.toISOString() }))
	});
};
