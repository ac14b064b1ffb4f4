import { error } from '@sveltejs/kit';
import { z } from 'zod';
import { getDatabase } from '$lib/server/db';
import { requireClinic } from '$lib/server/edge/access';
import { formFailure, formValues } from '$lib/server/edge';
import { errorMessage } from '$lib/i18n/errors';
import { can } from '$lib/server/scheduling/policy';
import { can as canPatients } from '$lib/server/patients/policy';
import { bookAppointmentOrSeries } from '$lib/server/scheduling/bookSeries';
import { listAppointmentTypes } from '$lib/server/scheduling/appointmentTypes';
import { cancelAppointment, decideAppointment, markNoShow, rescheduleAppointment } from '$lib/server/scheduling/changeAppointment';
import { bookFollowUp } from '$lib/server/scheduling/followUp';
import { projectClinicCalendar } from '$lib/server/scheduling/project';
import { addDays, clinicToday, weekStart } from '$lib/time';
import { documentName } from '$lib/sync/protocol';
import type { BookedAppointment } from '$lib/server/scheduling/bookAppointment';
import type { ClinicContext } from '$lib/server/tenancy/context';
import type { Db } from '$lib/server/db';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { isoDay } from '$lib/server/text';
import { can as patients } from '$lib/server/patients/policy';
import { getPatient } from '$lib/server/patients/queries';
import { formatRef } from '$lib/server/tenancy/counters';

const pageQuery = z.object({
	date: isoDay().optional().catch(undefined),
	view: z.enum(['day', 'week']).catch('day'),
	/** A record to book for: the booking opens with this patient picked (from the patient's page). */
	patient: z.uuid().optional().catch(undefined)
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
	// Only for someone who may book and see patients; an unknown or foreign id simply opens nothing.
	const bookFor = query.patient && can(actor, 'appointment.book') && patients(actor, 'patient.view') ? await getPatient(db, clinic.id, query.patient) : null;
	const [initial, types] = await Promise.all([
		Promise.all(days.map((day) => projectClinicCalendar(db, { type: 'calendar', clinicId: clinic.id, day }))),
		listAppointmentTypes(db, { clinicId: clinic.id, actor })
	]);
	return {
		view: query.view,
		date,
		today,
		days: days.map((day, i) => ({ day, document: documentName.calendar(clinic.id, day), initial: initial[i] })),
		deskDocument: documentName.desk(clinic.id, date),
		/** The types the booking dialog offers (in use), and the legend's colours. */
		types: types.filter((t) => !t.archived).map((t) => ({ id: t.id, name: t.name, minutes: t.minutes, color: t.color })),
		canBook: can(actor, 'appointment.book'),
		bookFor:
			bookFor && !bookFor.mergedIntoId ? { id: bookFor.id, name: bookFor.name, ref: formatRef(clinic.code, 'P', bookFor.refNo), phone: bookFor.phone } : null,
		canChange: can(actor, 'appointment.change'),
		/** The booking dialog's "New patient" step registers through the patients API. */
		canRegister: canPatients(actor, 'patient.register')
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
	/** One appointment, or with the repeat boxes a series (`{ series }`); a clashing series answers with its dates. */
	book: async (event) => {
		const { ctx } = await requireClinic(event, event.params.clinic);
		const v = await formValues(event.request);
		const { db } = await getDatabase();
		const repeats = optional(v.repeatEveryDays) !== undefined || optional(v.repeatCount) !== undefined;
		try {
			const booked = await bookAppointmentOrSeries(db, ctx, {
				patientId: v.patientId,
				doctorId: v.doctorId,
				start: v.start,
				reason: v.reason,
				typeId: optional(v.typeId),
				...(repeats ? { repeat: { everyDays: v.repeatEveryDays, count: v.repeatCount }, skipClashes: v.skipClashes === 'true' } : {}),
				idempotencyKey: optional(v.idempotencyKey)
			});
			return 'appointments' in booked ? { series: booked } : { appointment: booked };
		} catch (e) {
			return formFailure(e, v);
		}
	},
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
