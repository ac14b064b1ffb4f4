import { error } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { errorMessage } from '$lib/i18n/errors';
import { projectClinicCalendar } from '$lib/server/scheduling/project';
import { addDays, clinicToday, weekStart } from '$lib/time';
import { documentName } from '$lib/sync/protocol';
import type { PageServerLoad } from './$types';
import { isoDay } from '$lib/server/text';

/** A doctor's own week: the seven calendar projections of the clinic, read for their column only. */
export const load: PageServerLoad = async ({ parent, url }) => {
	const { clinic, role } = await parent();
	if (role !== 'doctor') error(403, { message: errorMessage('forbidden'), code: 'forbidden' });
	const today = clinicToday(clinic.timezone);
	const date = isoDay()
		.catch(today)
		.parse(url.searchParams.get('date') ?? today);
	const days = Array.from({ length: 7 }, (_, i) => addDays(weekStart(date), i));
	const { db } = await getDatabase();
	const initial = await Promise.all(days.map((day) => projectClinicCalendar(db, { type: 'calendar', clinicId: clinic.id, day })));
	return { today, date, days: days.map((day, i) => ({ day, document: documentName.calendar(clinic.id, day), initial: initial[i] })) };
};
