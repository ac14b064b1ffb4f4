import { eq } from 'drizzle-orm';
import type { Db } from '../db';
import { appUser, clinic, patient, pushSubscription, type Clinic, type PushSubscription } from '../db/schema';

export type Locale = 'en' | 'ur';

/** Who a patient notice goes to, in which language, and through which channels. */
export type Recipient = {
	patientId: string;
	name: string;
	locale: Locale;
	/** The linked account's address when there is one (the patient keeps it current), else the record's. */
	email: string | null;
	/** Browsers of the linked account that asked for web push. */
	pushTargets: PushSubscription[];
	clinic: Clinic;
};

/** A merged record keeps pointing at the record it went into; a few hops is more than merges ever chain. */
const MAX_MERGE_HOPS = 5;

export async function findRecipient(db: Db, patientId: string): Promise<Recipient | null> {
	let row = await loadPatient(db, patientId);
	for (let hop = 0; row?.mergedIntoId && hop < MAX_MERGE_HOPS; hop++) row = await loadPatient(db, row.mergedIntoId);
	if (!row || row.mergedIntoId) return null;
	const [home] = await db.select().from(clinic).where(eq(clinic.id, row.clinicId));
	if (!home) return null;
	const account = row.userId ? (await db.select({ email: appUser.email }).from(appUser).where(eq(appUser.id, row.userId)))[0] : undefined;
	const pushTargets = row.userId ? await db.select().from(pushSubscription).where(eq(pushSubscription.userId, row.userId)) : [];
	return {
		patientId: row.id,
		name: row.name,
		locale: row.preferredLanguage === 'ur' ? 'ur' : 'en',
		email: account?.email ?? row.email ?? null,
		pushTargets,
		clinic: home
	};
}

async function loadPatient(db: Db, id: string) {
	const [row] = await db
		.select({
			id: patient.id,
			clinicId: patient.clinicId,
			name: patient.name,
			email: patient.email,
			preferredLanguage: patient.preferredLanguage,
			userId: patient.userId,
			mergedIntoId: patient.mergedIntoId
		})
		.from(patient)
		.where(eq(patient.id, id));
	return row;
}
