import { getDatabase } from '$lib/server/db';
import { requireClinic } from '$lib/server/edge/access';
import { getPatient } from '$lib/server/patients/queries';
import { visitSummary } from '$lib/server/patients/timeline';
import { formatRef } from '$lib/server/tenancy/counters';
import { notFound } from '$lib/server/errors';
import type { PageServerLoad } from './$types';

/** The printable summary of one completed visit: clinicians only (it shows notes and diagnoses). */
export const load: PageServerLoad = async (event) => {
	const { clinic, ctx } = await requireClinic(event, event.params.clinic);
	const { db } = await getDatabase();
	event.setHeaders({ 'cache-control': 'no-store' });
	const summary = await visitSummary(db, ctx, event.params.id, event.params.visitId);
	const record = await getPatient(db, clinic.id, event.params.id);
	if (!record) throw notFound('No such patient');
	return {
		summary: { ...summary, ref: formatRef(clinic.code, 'V', summary.refNo) },
		patient: {
			name: record.name,
			ref: formatRef(clinic.code, 'P', record.refNo),
			dateOfBirth: record.dateOfBirth,
			dobEstimated: record.dobEstimated,
			sex: record.sex
		},
		clinicInfo: {
			name: clinic.name,
			code: clinic.code,
			timezone: clinic.timezone,
			color: clinic.branding.color ?? null,
			tagline: clinic.branding.tagline ?? null,
			temperatureUnit: clinic.temperatureUnit
		},
		back: `/${clinic.code}/patients/${record.id}`
	};
};
