import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { expectError, signedIn, startApp, type ApiClient, type App } from './http';
import { PASSWORD, makeClinic, makeMember, makeUser, rand } from '../factories';
import { browserKeys, startSmtpServer, type SmtpTestServer } from '../notifications';
import { setAvailability } from '../../src/lib/server/scheduling/setAvailability';
import { clinicToday } from '../../src/lib/time';
import { pushSubscriptionView, pushSubscriptionsView } from '../../src/lib/server/openapi/notifications';
import { patientView } from '../../src/lib/server/openapi/patients';
import { appointmentView } from '../../src/lib/server/openapi/scheduling';

/** The push subscription API and the outbox worker, through the built app as `npm start` runs it. */
let app: App;
let smtp: SmtpTestServer;
let patientA: ApiClient, patientB: ApiClient, desk: ApiClient;
let clinic: { id: string; code: string };
let doctorId: string;
const PATH = '/api/v1/me/push-subscriptions';

beforeAll(async () => {
	smtp = await startSmtpServer();
	const people: Record<string, { id: string; email: string }> = {};
	app = await startApp({
		env: { SMTP_URL: smtp.url, MAIL_FROM: 'Clinic <desk@clinic.example>' },
		seed: async (db) => {
			clinic = await makeClinic(db, { name: 'Noor Clinic', timezone: 'Asia/Karachi' });
			people.desk = await makeMember(db, clinic.id, 'reception');
			const doctor = await makeMember(db, clinic.id, 'doctor');
			doctorId = doctor.id;
			const weekly = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '09:00', end: '17:00', slotMinutes: 15 }));
			await setAvailability(db, { clinicId: clinic.id, actor: { userId: people.desk.id, role: 'reception' } }, doctor.id, { weekly });
			people.a = await makeUser(db, { kind: 'patient' });
			people.b = await makeUser(db, { kind: 'patient' });
		}
	});
	[patientA, patientB, desk] = await Promise.all([people.a, people.b, people.desk].map((p) => signedIn(app, p.email, PASSWORD)));
});

afterAll(async () => {
	await app?.stop();
	await smtp?.close();
});

const subscription = () => {
	const keys = browserKeys();
	return { endpoint: `https://updates.push.services.mozilla.com/wpush/v2/${rand(16)}`, expirationTime: null, keys: { p256dh: keys.p256dh, auth: keys.auth } };
};
const remove = (client: ApiClient, body: unknown) => client.request('DELETE', PATH, { json: body });

describe('/api/v1/me/push-subscriptions', () => {
	it('gives the VAPID public key, subscribes a browser (201), lists it, and unsubscribes it (204, also when repeated)', async () => {
		const listed = pushSubscriptionsView.parse((await patientA.get(PATH)).body);
		expect(listed.vapidPublicKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
		expect(listed.subscriptions).toEqual([]);
		// The same key every time: generated once, kept in the database.
		expect(pushSubscriptionsView.parse((await patientB.get(PATH)).body).vapidPublicKey).toBe(listed.vapidPublicKey);
		const body = subscription();
		const res = await patientA.post(PATH, body);
		expect(res.status, res.text).toBe(201);
		const created = pushSubscriptionView.parse(res.body);
		expect(created.endpoint).toBe(body.endpoint);
		expect(pushSubscriptionsView.parse((await patientA.get(PATH)).body).subscriptions).toEqual([created]);
		expect(pushSubscriptionsView.parse((await patientB.get(PATH)).body).subscriptions).toEqual([]);
		expect((await remove(patientA, { endpoint: body.endpoint })).status).toBe(204);
		expect((await remove(patientA, { endpoint: body.endpoint })).status).toBe(204);
		expect(pushSubscriptionsView.parse((await patientA.get(PATH)).body).subscriptions).toEqual([]);
	});

	it('refuses bad subscriptions with a translated error naming the field, and keeps nothing', async () => {
		const good = subscription();
		const urdu = { 'accept-language': 'ur' };
		const httpRes = await patientA.post(PATH, { ...good, endpoint: 'http://push.example.com/x' }, { headers: urdu });
		expectError(httpRes, 400, 'field_invalid', 'endpoint');
		expect(JSON.stringify(httpRes.body)).toMatch(/[\u0600-\u06FF]/);
		expectError(await patientA.post(PATH, { ...good, endpoint: 'https://10.0.0.5/push' }), 400, 'field_invalid', 'endpoint');
		expectError(await patientA.post(PATH, { ...good, keys: { ...good.keys, auth: 'dG9vLXNob3J0' } }), 400, 'field_invalid', 'keys.auth');
		expectError(await patientA.post(PATH, { ...good, keys: { auth: good.keys.auth } }), 400, 'field_required', 'keys.p256dh');
		expectError(await patientA.request('POST', PATH, { body: '<endpoint/>', headers: { 'content-type': 'application/xml' } }), 415, 'unsupported_media_type');
		expectError(await remove(patientA, { endpoint: 'nope' }), 400, 'field_invalid', 'endpoint');
		expect(pushSubscriptionsView.parse((await patientA.get(PATH)).body).subscriptions).toEqual([]);
	});

	it('answers 401 without a session and 405 for other methods', async () => {
		expectError(await app.client().get(PATH), 401, 'unauthenticated');
		expectError(await app.client().post(PATH, subscription()), 401, 'unauthenticated');
		expectError(await app.client().request('DELETE', PATH, { json: { endpoint: 'https://x.example.com/a' } }), 401, 'unauthenticated');
		expectError(await patientA.put(PATH, subscription()), 405, 'method_not_allowed');
	});
});

describe('the outbox worker in the running app', () => {
	it('emails a booking to the patient through SMTP_URL, with no other setup', async () => {
		const email = `noor-${rand(3)}@example.test`;
		const registered = await desk.post(`/api/v1/clinics/${clinic.code}/patients`, {
			name: 'Zainab Noor',
			age: 40,
			email,
			preferredLanguage: 'ur',
			allowDuplicate: true
		});
		expect(registered.status, registered.text).toBe(201);
		const patientId = patientView.parse(registered.body).id;
		const day = clinicToday('Asia/Karachi', new Date(Date.now() + 3 * 86_400_000));
		const booked = await desk.post(`/api/v1/clinics/${clinic.code}/appointments`, {
			patientId,
			doctorId,
			start: `${day}T09:30:00+05:00`,
			idempotencyKey: rand(8)
		});
		expect(booked.status, booked.text).toBe(201);
		for (let i = 0; i < 100 && !smtp.messages.some((m) => m.to && !Array.isArray(m.to) && m.to.text === email); i++) await sleep(100);
		const mail = smtp.messages.find((m) => m.to && !Array.isArray(m.to) && m.to.text === email);
		expect(mail?.subject).toMatch(/^اپوائنٹمنٹ بک ہو گئی: /);
		expect(mail?.text).toContain(`${app.url}/me`);
		expect(mail?.attachments.map((a) => a.filename)).toEqual([`${appointmentView.parse(booked.body).ref}.ics`]);
	});
});
