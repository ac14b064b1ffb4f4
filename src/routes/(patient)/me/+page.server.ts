import { redirect } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { formFailure, formValues } from '$lib/server/edge';
import { linkedPatientRecords } from '$lib/server/queue/queries';
import { linkPatientAccount } from '$lib/server/patients/linkPatientAccount';
import { accountLinks } from '$lib/server/patients/linkQueries';
import { projectPatientLive } from '$lib/server/sync/projections/patientLive';
import { vapidPublicKey } from '$lib/server/notifications/vapid';
import { documentName } from '$lib/sync/protocol';
import { cancelAppointmentAsPatient } from '$lib/server/scheduling/patientBooking';
import { projectPatientAppointments } from '$lib/server/scheduling/patientProject';
import type { Actions, PageServerLoad } from './$types';

/** The patient's live queue cards and appointment lists (one each per clinic record linked to their account) and the list of those clinics. */
export const load: PageServerLoad = async ({ locals, url }) => {
	const user = locals.user!;
	const { db } = await getDatabase();
	const records = await linkedPatientRecords(db, user.id);
	const queueCards = await Promise.all(
		records.map(async (r) => ({
			document: documentName.patientLive(r.patientId),
			clinicName: r.clinic.name,
			timeZone: r.clinic.timezone,
			// The same content as the live document, so the card is right before the socket connects.
			initial: await projectPatientLive(db, { type: 'patientLive', patientId: r.patientId })
		}))
	);
	const appointmentLists = await Promise.all(
		records.map(async (r) => ({
			document: documentName.patientAppointments(r.patientId),
			// The live document's own content, so the list is right before the socket connects.
			initial: await projectPatientAppointments(db, { type: 'patientAppointments', patientId: r.patientId })
		}))
	);
	const links = (await accountLinks(db, user.id)).map(({ clinicName, clinicCode, patientRef }) => ({ clinicName, clinicCode, patientRef }));
	// The browser needs the server's VAPID public key to subscribe to web push.
	return {
		me: { id: user.id, name: user.name },
		queueCards,
		appointmentLists,
		requested: url.searchParams.get('requested')?.slice(0, 40) ?? null,
		links,
		pushKey: await vapidPublicKey(db)
	};
};

export const actions: Actions = {
	/** The patient cancels one of their own upcoming appointments. */
	cancel: async ({ locals, request }) => {
		if (!locals.user) redirect(303, '/login');
		const values = await formValues(request);
		const { db } = await getDatabase();
		try {
			const cancelled = await cancelAppointmentAsPatient(db, locals.user.id, values.appointmentId ?? '', {
				reason: values.reason,
				idempotencyKey: values.idempotencyKey || undefined
			});
			return { cancelled: { ref: cancelled.ref } };
		} catch (e) {
			return formFailure(e, { appointmentId: values.appointmentId ?? '' });
		}
	},
	/** The code the clinic's desk gave the patient links their account to that clinic's record. */
	link: async ({ locals, request, getClientAddress }) => {
		// Actions do not pass through the layout's load, so the session is checked here too.
		if (!locals.user) redirect(303, '/login');
		const values = await formValues(request);
		const { db } = await getDatabase();
		try {
			const link = await linkPatientAccount(db, locals.user, { code: values.code ?? '' }, getClientAddress());
			return { linked: { clinicName: link.clinicName } };
		} catch (e) {
			return formFailure(e, { code: values.code ?? '' });
		}
	}
};
