import { error } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { requireClinic } from '$lib/server/edge/access';
import { formFailure, formValues } from '$lib/server/edge';
import { AppError } from '$lib/server/errors';
import { errorMessage } from '$lib/i18n/errors';
import { can } from '$lib/server/scheduling/policy';
import { clinicClosures, doctorAvailability, doctorShifts, freeSlots } from '$lib/server/scheduling/queries';
import { clinicDoctors } from '$lib/server/tenancy/doctors';
import { addClinicClosure, removeClinicClosure, setAvailability } from '$lib/server/scheduling/setAvailability';
import { daySlots } from '$lib/server/scheduling/slots';
import { addDays, clinicToday } from '$lib/time';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent, url }) => {
	const { clinic, role, user } = await parent();
	const actor = { userId: user.id, role };
	const { db } = await getDatabase();
	const doctors = await clinicDoctors(db, clinic.id);
	// A doctor edits their own hours; the desk and admins choose whose.
	const asked = url.searchParams.get('doctor');
	const doctorId = role === 'doctor' ? user.id : (doctors.find((d) => d.id === asked)?.id ?? doctors[0]?.id ?? null);
	if (role !== 'doctor' && !can(actor, 'availability.manage')) error(403, { message: errorMessage('forbidden'), code: 'forbidden' });
	const today = clinicToday(clinic.timezone);
	const closures = await clinicClosures(db, clinic.id, today);
	if (!doctorId) return { doctors, doctorId, availability: null, preview: [], closures, canManageClosures: can(actor, 'closure.manage'), today };
	const availability = await doctorAvailability(db, clinic.id, doctorId, today);
	const preview = await Promise.all(
		Array.from({ length: 7 }, async (_, i) => {
			const day = addDays(today, i);
			const all = daySlots(day, clinic.timezone, await doctorShifts(db, clinic.id, doctorId, day));
			const free = await freeSlots(db, clinic.id, clinic.timezone, doctorId, day);
			return { day, slots: all.length, free: free.length, closed: closures.some((c) => c.date === day) };
		})
	);
	return {
		doctors: role === 'doctor' ? doctors.filter((d) => d.id === user.id) : doctors,
		doctorId,
		availability,
		preview,
		closures,
		canManageClosures: can(actor, 'closure.manage'),
		today
	};
};

/** The editor sends the whole schedule as one JSON field; a malformed one is bad input like any other. */
function parseSchedule(raw: string | undefined): unknown {
	try {
		return JSON.parse(raw ?? '');
	} catch {
		throw new AppError('invalid_json', 400, 'Malformed schedule', 'availability');
	}
}

/**
 * The choice made for the bookings on days being closed, from the button that sent the form
 * (`appointments`); absent on a first save, which the command then refuses with the list.
 */
function withChoice(body: unknown, choice: string | undefined): unknown {
	if (choice === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) return body;
	return { ...body, appointments: choice };
}

export const actions: Actions = {
	save: async (event) => {
		const { ctx } = await requireClinic(event, event.params.clinic);
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		let outcome;
		try {
			outcome = await setAvailability(db, ctx, values.doctorId ?? '', withChoice(parseSchedule(values.availability), values.appointments));
		} catch (e) {
			// The schedule that was refused comes back, so the page offers the choice only while it is still the one on screen.
			return formFailure(e, { doctorId: values.doctorId ?? '', availability: values.availability ?? '', form: 'availability' });
		}
		return { saved: 'availability', cancelled: outcome.cancelledAppointments.length, kept: outcome.keptAppointments.length };
	},
	addClosure: async (event) => {
		const { ctx } = await requireClinic(event, event.params.clinic);
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		let outcome;
		try {
			outcome = await addClinicClosure(db, ctx, {
				date: values.date,
				reason: values.reason,
				...(values.appointments !== undefined ? { appointments: values.appointments } : {})
			});
		} catch (e) {
			return formFailure(e, { date: values.date ?? '', reason: values.reason ?? '', form: 'closure' });
		}
		return { saved: 'closure', cancelled: outcome.cancelledAppointments.length, kept: outcome.keptAppointments.length };
	},
	removeClosure: async (event) => {
		const { ctx } = await requireClinic(event, event.params.clinic);
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			await removeClinicClosure(db, ctx, values.closureId ?? '');
		} catch (e) {
			return formFailure(e, { form: 'closure' });
		}
		return { saved: 'closure' };
	}
};
