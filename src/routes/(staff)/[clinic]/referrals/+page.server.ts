import { error } from '@sveltejs/kit';
import { and, eq, isNull } from 'drizzle-orm';
import { getDatabase } from '$lib/server/db';
import { clinic as clinicTable, patient } from '$lib/server/db/schema';
import { requireClinic } from '$lib/server/edge/access';
import { formFailure, formValues } from '$lib/server/edge';
import { errorMessage } from '$lib/i18n/errors';
import { can } from '$lib/server/referrals/policy';
import { acceptReferral, createReferral, declineReferral, listReferrals, referralClinics } from '$lib/server/referrals/referrals';
import { referralFromForm } from '$lib/server/referrals/form';
import { projectClinicReferrals } from '$lib/server/referrals/project';
import { clinicDoctors } from '$lib/server/tenancy/doctors';
import { formatRef } from '$lib/server/tenancy/counters';
import { isUuid } from '$lib/server/text';
import { documentName } from '$lib/sync/protocol';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent, url }) => {
	const { clinic, role, user } = await parent();
	const actor = { userId: user.id, role };
	if (!can(actor, 'referral.view')) error(403, { message: errorMessage('forbidden'), code: 'forbidden' });
	const ctx = { clinicId: clinic.id, actor };
	const { db } = await getDatabase();
	const clinics = await referralClinics(db, clinic.id);
	const [initial, sent, doctors] = await Promise.all([
		projectClinicReferrals(db, { type: 'referrals', clinicId: clinic.id }),
		listReferrals(db, ctx, { from: 'me' }),
		Promise.all(clinics.map(async (c) => ({ ...c, doctors: (await clinicDoctors(db, c.id)).filter((d) => d.id !== user.id) })))
	]);
	// "Refer" from a patient's page or a chart arrives with the patient (and the visit) named.
	const patientId = url.searchParams.get('patient');
	const [picked] =
		patientId && isUuid(patientId)
			? await db
					.select({ id: patient.id, name: patient.name, refNo: patient.refNo, phone: patient.phone })
					.from(patient)
					.where(and(eq(patient.id, patientId), eq(patient.clinicId, clinic.id), isNull(patient.mergedIntoId)))
			: [];
	const visitId = url.searchParams.get('visit');
	const [{ currencyExponent }] = await db.select({ currencyExponent: clinicTable.currencyExponent }).from(clinicTable).where(eq(clinicTable.id, clinic.id));
	return {
		initial,
		currencyExponent,
		referralsDocument: documentName.referrals(clinic.id),
		sent,
		clinics: doctors.filter((c) => c.doctors.length > 0),
		canSend: can(actor, 'referral.send'),
		canRespond: can(actor, 'referral.respond'),
		picked: picked ? { id: picked.id, name: picked.name, ref: formatRef(clinic.code, 'P', picked.refNo), phone: picked.phone } : null,
		visitId: visitId && isUuid(visitId) ? visitId : null
	};
};

export const actions: Actions = {
	refer: async (event) => {
		const { ctx, clinic } = await requireClinic(event, event.params.clinic);
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			const sent = await createReferral(db, ctx, await referralFromForm(db, clinic.code, values));
			return { done: 'sent', ref: sent.ref };
		} catch (e) {
			return formFailure(e, values);
		}
	},
	accept: async (event) => {
		const { ctx } = await requireClinic(event, event.params.clinic);
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			await acceptReferral(db, ctx, values.referralId ?? '', { idempotencyKey: values.idempotencyKey || undefined });
		} catch (e) {
			return formFailure(e, values);
		}
		return { done: 'accepted' };
	},
	decline: async (event) => {
		const { ctx } = await requireClinic(event, event.params.clinic);
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			await declineReferral(db, ctx, values.referralId ?? '', { reason: values.reason ?? '' });
		} catch (e) {
			return formFailure(e, { ...values, declining: values.referralId ?? '' });
		}
		return { done: 'declined' };
	}
};
