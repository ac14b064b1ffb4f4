import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, expectError, signedIn, startApp, type ApiClient, type App } from './http';
import { PASSWORD, makeClinic, makeMember } from '../factories';
import { icd10ResultsView } from '../../src/lib/server/openapi/visits';

let app: App;
let code: string;
let doctor: ApiClient, desk: ApiClient, pharmacist: ApiClient, otherAdmin: ApiClient, deskInUrdu: ApiClient;
const search = (client: ApiClient, q: string) => client.get(`/api/v1/clinics/${code}/icd10?q=${encodeURIComponent(q)}`);

beforeAll(async () => {
	const people: Record<string, { email: string }> = {};
	app = await startApp({
		seed: async (db) => {
			const home = await makeClinic(db);
			const other = await makeClinic(db);
			code = home.code;
			Object.assign(people, {
				doctor: await makeMember(db, home.id, 'doctor'),
				desk: await makeMember(db, home.id, 'reception'),
				pharmacist: await makeMember(db, home.id, 'pharmacist'),
				otherAdmin: await makeMember(db, other.id, 'admin')
			});
		}
	});
	[doctor, desk, pharmacist, otherAdmin] = await Promise.all(
		['doctor', 'desk', 'pharmacist', 'otherAdmin'].map((k) => signedIn(app, people[k].email, PASSWORD))
	);
	deskInUrdu = await signedIn(app, people.desk.email, PASSWORD, { 'accept-language': 'ur' });
});
afterAll(async () => {
	await app?.stop();
});

describe('ICD-10 look-up over HTTP', () => {
	it('finds a code with or without its dot, and words as the doctor types them', async () => {
		const byCode = await search(doctor, 'j459');
		expect(byCode.status).toBe(200);
		expect(icd10ResultsView.parse(byCode.body).results[0]).toEqual({ code: 'J45.9', title: 'Asthma, unspecified' });
		const byWords = icd10ResultsView.parse((await search(doctor, 'diab mell type 2')).body).results;
		expect(byWords[0]).toEqual({ code: 'E11', title: 'Type 2 diabetes mellitus' });
		expect(byWords.length).toBeLessThanOrEqual(20);
	});

	it('answers every staff role of the clinic, not only doctors', async () => {
		for (const client of [desk, pharmacist]) {
			const res = await search(client, 'J45');
			expect(res.status).toBe(200);
			expect(icd10ResultsView.parse(res.body).results.map((r) => r.code)).toEqual(['J45', 'J45.0', 'J45.1', 'J45.8', 'J45.9']);
		}
	});

	it('finds nothing for an empty or one-letter query', async () => {
		for (const q of ['', 'J', 'zzqqx']) expect((await search(doctor, q)).body).toEqual({ results: [] });
		const bare = await doctor.get(`/api/v1/clinics/${code}/icd10`);
		expect(bare.body).toEqual({ results: [] });
	});

	it('refuses a query over 100 characters with the standard error, in the caller’s language', async () => {
		expectError(await search(doctor, 'a'.repeat(101)), 400, 'field_too_long', 'q');
		const urdu = await search(deskInUrdu, 'a'.repeat(101));
		expect(urdu.status).toBe(400);
		expect(errorOf(urdu).message).toMatch(/[\u0600-\u06FF]/);
	});

	it('refuses someone outside the clinic (404) and a caller who is not signed in (401)', async () => {
		expectError(await search(otherAdmin, 'asthma'), 404, 'not_found');
		expectError(await app.client().get(`/api/v1/clinics/${code}/icd10?q=asthma`), 401, 'unauthenticated');
	});

	it('serves only GET', async () => {
		const res = await doctor.post(`/api/v1/clinics/${code}/icd10`, { q: 'asthma' });
		expect(res.status).toBe(405);
	});
});
