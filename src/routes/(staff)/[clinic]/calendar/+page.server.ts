import { error } from '@sveltejs/kit';
import { z } from 'zod';
import { getDatabase } from '$lib/server/db';
import { requireClinic } from '$lib/server/edge/access';
import { formFailure, formValues } from '$lib/server/edge';
import { errorMessage } from '$lib/i18n/errors';
import { can } from '$lib/server/scheduling/policy';
import { bookAppointment } from '$lib/server/scheduling/bookAppointment';
import { cancelAppointment, decideAppointment, markNoShow, rescheduleAppointment } from '$lib/server/scheduling/changeAppointment';
import { bookFollowUp } from '$lib/server/scheduling/followUp';
import { projectClinicCalendar } from '$lib/server/scheduling/project';
import { addDays, clinicToday, weekStart } from '$lib/time';
import { documentName } from '$lib/sync/protocol';
import type { BookedAppointment } from '$lib/server/scheduling/bookAppointment';
import type { ClinicContext } from '$lib/server/tenancy/members';
import type { Db } from '$lib/server/db';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { isoDay } from '$lib/server/text';

const pageQuery = z.object({
	date: isoDay().optional().catch(undefined),
	view: z.enum(['day', 'week']).catch('day')
});

export const load: PageServerLoad = async ({ parent, url }) => {
	const { clinic, role, user } = await parent();
	const actor = { userId: user.id, role };
	if (!can(actor, 'calendar.view')) error(403, { message: errorMessage('forbidden'), code: 'forbidden' });
	const query = pageQuery.parse(Object.fromEntries(url.searchParams));
	const today = clinicToday(clinic.timezone);
	const date = query.date ?? today;
	const days = query.view === 'week' ? Array.from({ length: 7 }, (_, i) => addDays(weekStart(date), i)) : [date];
	const { db } = await getDatabase();
	// The same content the live documents carry, so the page is right before the sockets connect.
	const initial = await Promise.all(days.map((day) => projectClinicCalendar(db, { type: 'calendar', clinicId: clinic.id, day })));
	return {
		view: query.view,
		date,
		today,
		days: days.map((day, i) => ({ day, document: documentName.calendar(clinic.id, day), initial: initial[i] })),
		deskDocument: documentName.desk(clinic.id, date),
		canBook: can(actor, 'appointment.book'),
		canChange: can(actor, 'appointment.change')
	};
};

/** Runs one appointment command from a form action and refreshes the calendars of the days it touched. */
async function appointmentAction(event: RequestEvent, run: (db: Db, ctx: ClinicContext, values: Record<string, string>) => Promise<BookedAppointment>) {
	const { ctx } = await requireClinic(event, event.params.clinic);
	const values = await formValues(event.request);
	const { db } = await getDatabase();
	let result: BookedAppointment;
	try {
		result = await run(db, ctx, values);
	} catch (e) {
		return formFailure(e, values);
	}
	return { appointment: result };
}

const optional = (v: string | undefined) => (v === undefined || v === '' ? undefined : v);

export const actions: Actions = {
	book: (event) =>
		appointmentAction(event, (db, ctx, v) =>
			bookAppointment(db, ctx, { patientId: v.patientId, doctorId: v.doctorId, start: v.start, reason: v.reason, idempotencyKey: optional(v.idempotencyKey) })
		),
	reschedule: (event) =>
		appointmentAction(event, (db, ctx, v) =>
			rescheduleAppointment(db, ctx, v.appointmentId ?? '', { start: v.start, doctorId: optional(v.doctorId), idempotencyKey: optional(v.idempotencyKey) })
		),
	cancel: (event) =>
		appointmentAction(event, (db, ctx, v) =>
			cancelAppointment(db, ctx, v.appointmentId ?? '', { reason: v.reason, idempotencyKey: optional(v.idempotencyKey) })
		),
	confirm: (event) => appointmentAction(event, (db, ctx, v) => decideAppointment(db, ctx, v.appointmentId ?? '', 'confirm')),
	decline: (event) => appointmentAction(event, (db, ctx, v) => decideAppointment(db, ctx, v.appointmentId ?? '', 'decline')),
	noShow: (event) => appointmentAction(event, (db, ctx, v) => markNoShow(db, ctx, v.appointmentId ?? '')),
	followUp: (event) =>
		appointmentAction(event, (db, ctx, v) => bookFollowUp(db, ctx, v.appointmentId ?? '', { weeks: v.weeks, idempotencyKey: optional(v.idempotencyKey) }))
};
