import { error } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { requireClinic } from '$lib/server/edge/access';
import { errorMessage } from '$lib/i18n/errors';
import { chartPage } from '$lib/server/visits/chartPage';
import { listVisitAttachments } from '$lib/server/visits/attachments';
import type { PageServerLoad } from './$types';

/** The chart of one visit. Reception, pharmacists, admins and other clinics get 404: clinical notes are not theirs to know of. */
export const load: PageServerLoad = async (event) => {
	const { clinic, ctx } = await requireClinic(event, event.params.clinic);
	const { db } = await getDatabase();
	const page = await chartPage(db, clinic, ctx, event.params.id);
	if (!page) error(404, { message: errorMessage('not_found'), code: 'not_found' });
	const attachments = await listVisitAttachments(db, ctx, page.visit.id);
	return { ...page, attachments, temperatureUnit: clinic.temperatureUnit === 'F' ? ('F' as const) : ('C' as const) };
};
