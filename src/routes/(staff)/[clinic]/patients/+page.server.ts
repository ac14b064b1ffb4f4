import { error } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { requireClinic } from '$lib/server/edge/access';
import { errorMessage } from '$lib/i18n/errors';
import { can } from '$lib/server/patients/policy';
import { searchPatients } from '$lib/server/patients/queries';
import { searchInput } from '$lib/server/patients/schema';
import { clinicToday } from '$lib/time';
import { resultOf } from './forms';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { clinic, ctx } = await requireClinic(event, event.params.clinic);
	if (!can(ctx.actor, 'patient.view')) error(403, { message: errorMessage('forbidden'), code: 'forbidden' });
	// A query too long or otherwise odd is cut down rather than refused: this is a search box.
	const parsed = searchInput.safeParse({ q: (event.url.searchParams.get('q') ?? '').slice(0, 100) });
	const q = parsed.success ? parsed.data.q : '';
	const { db } = await getDatabase();
	const today = clinicToday(clinic.timezone);
	const found = await searchPatients(db, clinic.id, q, 25);
	return {
		q,
		results: found.map((p) => resultOf(p, clinic.code, today, `/${clinic.code}/patients/${p.id}`)),
		canRegister: can(ctx.actor, 'patient.register')
	};
};
