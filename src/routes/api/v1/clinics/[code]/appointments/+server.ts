import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { getDatabase } from '$lib/server/db';
import { parseInput } from '$lib/server/validation';
import { apiRoute, created, methodNotAllowed, requireApiClinic } from '$lib/server/edge/api';
import { readCommand } from '$lib/server/edge/idempotency';
import { bookAppointmentOrSeries } from '$lib/server/scheduling/bookSeries';
import { errorMessage } from '$lib/i18n/errors';
import { clinicAppointments } from '$lib/server/scheduling/queries';
import { dayBounds } from '$lib/time';
import { formatRef } from '$lib/server/tenancy/counters';
import { appointmentSeriesView, appointmentView, appointmentsView } from '$lib/server/openapi/scheduling';
import type { RequestHandler } from './$types';
import { isoDay } from '$lib/server/text';

export const GET: RequestHandler = apiRoute(async ({ locals, params, url }) => {
	const { clinic, ctx } = await requireApiClinic(locals, params.code);
	const { date } = parseInput(z.object({ date: isoDay() }), Object.fromEntries(url.searchParams));
	const { db } = await getDatabase();
	const { from, to } = dayBounds(date, clinic.timezone);
	const rows = await clinicAppointments(db, ctx, from, to);
	return json(
		appointmentsView.parse({
			appointments: rows.map((a) => ({
				...a,
				ref: formatRef(clinic.code, 'A', a.refNo),
				patientRef: formatRef(clinic.code, 'P', a.patientRefNo),
				start: a.startsAt.toISOString(),
				end: a.endsAt.toISOString()
			}))
		})
	);
});

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readCommand(request);
	const { db } = await getDatabase();
	const booked = await bookAppointmentOrSeries(db, ctx, body);
	if (!('appointments' in booked)) return created(appointmentView.parse(booked));
	const skipped = booked.skipped.map((c) => ({ ...c, message: errorMessage(c.reason) }));
	return created(appointmentSeriesView.parse({ ...booked, skipped }));
});

export const fallback = methodNotAllowed('GET', 'POST');
