import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, signedIn, startApp, type ApiClient, type App } from './http';
import { PASSWORD, makeClinic, makeMember, rand } from '../factories';
import { patient } from '../../src/lib/server/db/schema';
import { checkInPatient } from '../../src/lib/server/queue/checkIn';
import { callNext } from '../../src/lib/server/queue/callNext';

let app: App;
let desk: ApiClient;
let clinicCode: string;
let survivorId: string;
let duplicateId: string;

// A fresh app whose first request is the merge: no queue route has been loaded to register the
// queue's wording, so this proves every domain's wording is registered at start.
beforeAll(async () => {
	let deskEmail = '';
	app = await startApp({
		seed: async (db) => {
			const clinic = await makeClinic(db);
			clinicCode = clinic.code;
			const reception = await makeMember(db, clinic.id, 'reception');
			deskEmail = reception.email;
			const rows = await db
				.insert(patient)
				.values([1, 2].map((refNo) => ({ clinicId: clinic.id, refNo, name: `Same Person ${rand(2)}` })))
				.returning();
			[survivorId, duplicateId] = rows.map((r) => r.id);
			const deskCtx = { clinicId: clinic.id, actor: { userId: reception.id, role: 'reception' as const } };
			for (const row of rows) {
				const doctor = await makeMember(db, clinic.id, 'doctor');
				await checkInPatient(db, deskCtx, { patientId: row.id, doctorId: doctor.id, idempotencyKey: `k-${rand(6)}` });
				await callNext(db, { clinicId: clinic.id, actor: { userId: doctor.id, role: 'doctor' } }, { doctorId: doctor.id, idempotencyKey: crypto.randomUUID() });
			}
		}
	});
	desk = await signedIn(app, deskEmail, PASSWORD);
});
afterAll(async () => {
	await app?.stop();
});

describe('error wording', () => {
	it('explains a refusal with another domain’s code even before any route of that domain has loaded', async () => {
		const res = await desk.post(`/api/v1/clinics/${clinicCode}/patients/${survivorId}/merge`, { mergeId: duplicateId, reason: 'same person' });
		expect(res.status).toBe(409);
		expect(errorOf(res)).toMatchObject({ code: 'doctor_busy', message: 'Finish with the patient who is with the doctor first (complete, skip or send back).' });
	});
});
