import { randomUUID } from 'node:crypto';
import { error, redirect } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { requireClinic } from '$lib/server/edge/access';
import { formFailure, formValues } from '$lib/server/edge';
import { errorMessage } from '$lib/i18n/errors';
import { can } from '$lib/server/patients/policy';
import { registerPatient } from '$lib/server/patients/registerPatient';
import { clinicToday } from '$lib/time';
import { registrationInput, resultOf } from '../forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { clinic, ctx } = await requireClinic(event, event.params.clinic);
	if (!can(ctx.actor, 'patient.register')) error(403, { message: errorMessage('forbidden'), code: 'forbidden' });
	// The key makes a resubmitted form (a double click, a reloaded POST) register once.
	return { country: clinic.country, today: clinicToday(clinic.timezone), formKey: randomUUID() };
};

export const actions: Actions = {
	default: async (event) => {
		const { clinic, ctx } = await requireClinic(event, event.params.clinic);
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		let result;
		try {
			result = await registerPatient(db, ctx, registrationInput(values), {
				allowDuplicate: values.allowDuplicate === 'true',
				idempotencyKey: /^[A-Za-z0-9-]{8,64}$/.test(values.formKey ?? '') ? values.formKey : undefined
			});
		} catch (e) {
			return formFailure(e, values);
		}
		if (result.status === 'possible_duplicates') {
			const today = clinicToday(clinic.timezone);
			return { values, duplicates: result.candidates.map((p) => resultOf(p, clinic.code, today, `/${clinic.code}/patients/${p.id}`)) };
		}
		redirect(303, `/${clinic.code}/patients/${result.patient.id}?registered=1`);
	}
};
