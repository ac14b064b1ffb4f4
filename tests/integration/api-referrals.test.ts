import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, signedIn, startApp, type ApiClient, type App } from './http';
import { PASSWORD, makeClinic, makeMember, rand } from '../factories';
import { makePatient } from './queueScene';
import { referralView, referralsView } from '../../src/lib/server/openapi/referrals';

let app: App;
let code: string;
let patientId: string;
let colleagueId: string;
let sender: ApiClient, colleague: ApiClient, nurse: ApiClient, desk: ApiClient, pharmacist: ApiClient, admin: ApiClient, outsider: ApiClient;
const base = () => `/api/v1/clinics/${code}/referrals`;

beforeAll(async () => {
	const people: Record<string, { email: string; id: string }> = {};
	app = await startApp({
		seed: async (db) => {
			const home = await makeClinic(db);
			const other = await makeClinic(db);
			code = home.code;
			patientId = (await makePatient(db, home.id)).id;
			Object.assign(people, {
				sender: await makeMember(db, home.id, 'doctor'),
				colleague: await makeMember(db, home.id, 'doctor'),
				nurse: await makeMember(db, home.id, 'nurse'),
				desk: await makeMember(db, home.id, 'reception'),
				pharmacist: await makeMember(db, home.id, 'pharmacist'),
				admin: await makeMember(db, home.id, 'admin'),
				outsider: await makeMember(db, other.id, 'doctor')
			});
		}
	});
	colleagueId = people.colleague.id;
	[sender, colleague, nurse, desk, pharmacist, admin, outsider] = await Promise.all(
		['sender', 'colleague', 'nurse', 'desk', 'pharmacist', 'admin', 'outsider'].map((k) => signedIn(app, people[k].email, PASSWORD))
	);
});
afterAll(async () => {
	await app?.stop();
});

describe('referrals over HTTP', () => {
	it('sends, lists to and from the doctors, and is answered by the doctor it is addressed to', async () => {
		const sent = await sender.post(base(), {
			patientId,
			toDoctorId: colleagueId,
			note: 'Knee pain, please see',
			discount: { percent: 10 },
			idempotencyKey: rand(8)
		});
		expect(sent.status).toBe(201);
		const view = referralView.parse(sent.body);
		expect(view).toMatchObject({ status: 'sent', toDoctorId: colleagueId, discount: { percent: 10 } });
		const toMe = referralsView.parse((await colleague.get(`${base()}?to=me`)).body).referrals;
		expect(toMe.map((r) => r.id)).toContain(view.id);
		expect(referralsView.parse((await sender.get(`${base()}?from=me`)).body).referrals.map((r) => r.id)).toContain(view.id);
		expect(referralsView.parse((await nurse.get(base())).body).referrals.map((r) => r.id)).toContain(view.id);
		expectError(await sender.post(`${base()}/${view.id}/accept`, {}), 403, 'forbidden');
		const accepted = await colleague.post(`${base()}/${view.id}/accept`, {});
		expect(accepted.status).toBe(200);
		expect(referralView.parse(accepted.body).status).toBe('accepted');
		expectError(await colleague.post(`${base()}/${view.id}/accept`, {}), 409, 'referral_state');
		expectError(await colleague.post(`${base()}/${view.id}/decline`, { reason: '' }), 400, 'field_required', 'reason');
		const declined = await colleague.post(`${base()}/${view.id}/decline`, { reason: 'Fully booked this month' });
		expect(referralView.parse(declined.body)).toMatchObject({ status: 'declined', declineReason: 'Fully booked this month' });
	});

	it('refuses the desk, the pharmacy, admins and other clinics, and unknown actions', async () => {
		for (const client of [desk, pharmacist, admin]) {
			expectError(await client.get(base()), 403, 'forbidden');
			expectError(await client.post(base(), { patientId, toDoctorId: colleagueId, note: 'x', idempotencyKey: rand(8) }), 403, 'forbidden');
		}
		expectError(await nurse.post(base(), { patientId, toDoctorId: colleagueId, note: 'x', idempotencyKey: rand(8) }), 403, 'forbidden');
		expectError(await outsider.get(base()), 404, 'not_found');
		expectError(await app.client().get(base()), 401, 'unauthenticated');
		expectError(await sender.post(base(), { patientId, toDoctorId: colleagueId, note: 'x' }), 400, 'idempotency_key_required', 'idempotencyKey');
		expectError(
			await sender.post(base(), { patientId, toDoctorId: colleagueId, note: 'x', toClinic: 'NOPE1', idempotencyKey: rand(8) }),
			400,
			'referral_clinic_invalid',
			'toClinic'
		);
		expectError(await colleague.post(`${base()}/${crypto.randomUUID()}/forward`, {}), 404, 'not_found');
		expectError(await colleague.post(`${base()}/not-a-uuid/accept`, {}), 404, 'not_found');
		expect((await colleague.put(base(), {})).status).toBe(405);
	});
});
