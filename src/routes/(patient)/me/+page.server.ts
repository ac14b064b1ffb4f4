import { getDatabase } from '$lib/server/db';
import { linkedPatientRecords } from '$lib/server/queue/queries';
import { projectPatientLive } from '$lib/server/sync/projections/patientLive';
import { documentName } from '$lib/sync/protocol';
import type { PageServerLoad } from './$types';

/** The patient's live queue cards: one per clinic record linked to their account. */
export const load: PageServerLoad = async ({ locals }) => {
	const user = locals.user!;
	const { db } = await getDatabase();
	const records = await linkedPatientRecords(db, user.id);
	const queueCards = await Promise.all(
		records.map(async (r) => ({
			document: documentName.patientLive(r.patientId),
			clinicName: r.clinicName,
			// The same content as the live document, so the card is right before the socket connects.
			initial: await projectPatientLive(db, { type: 'patientLive', patientId: r.patientId })
		}))
	);
	return { me: { id: user.id, name: user.name }, queueCards };
};
