import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { badRequest } from '$lib/server/errors';
import { parseInput } from '$lib/server/validation';
import { apiRoute, methodNotAllowed, requireApiClinic } from '$lib/server/edge/api';
import { slotsQuery } from '$lib/server/scheduling/schema';
import { freeSlots } from '$lib/server/scheduling/queries';
import { isClinicDoctor } from '$lib/server/tenancy/doctors';
import { clinicAppointmentType } from '$lib/server/scheduling/appointmentTypes';
import { isoWithOffset } from '$lib/time';
import { slotsView } from '$lib/server/openapi/scheduling';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params, url }) => {
	const { clinic, ctx } = await requireApiClinic(locals, params.code);
	const query = parseInput(slotsQuery, Object.fromEntries(url.searchParams));
	const { db } = await getDatabase();
	if (!(await isClinicDoctor(db, ctx.clinicId, query.doctor))) throw badRequest('No such doctor in this clinic', 'doctor', 'field_invalid');
	const type = query.typeId ? await clinicAppointmentType(db, ctx.clinicId, query.typeId) : null;
	const slots = await freeSlots(db, ctx.clinicId, clinic.timezone, query.doctor, query.date, new Date(), type?.minutes);
	return json(slotsView.parse({ slots: slots.map((s) => ({ start: isoWithOffset(s.start, clinic.timezone), end: isoWithOffset(s.end, clinic.timezone) })) }));
});

export const fallback = methodNotAllowed('GET');
