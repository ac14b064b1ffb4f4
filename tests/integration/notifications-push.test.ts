import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import webpush from 'web-push';
import { freshDatabase } from '../db';
import { makeClinic, makeMember, makeUser, rand } from '../factories';
import { browserKeys, captureLog, startFakePushService, type FakePushService } from '../notifications';
import { registerPatient } from '../../src/lib/server/patients/registerPatient';
import { checkInPatient } from '../../src/lib/server/queue/checkIn';
import { outboxEvent, patient, pushSubscription, vapidKey } from '../../src/lib/server/db/schema';
import { parseEnv } from '../../src/lib/server/env';
import { startNotificationDelivery } from '../../src/lib/server/notifications';
import { listPushSubscriptions, removePushSubscription, savePushSubscription } from '../../src/lib/server/notifications/subscriptions';
import type { Clinic } from '../../src/lib/server/db/schema';
import type { ClinicContext } from '../../src/lib/server/tenancy/context';
import type { Database } from '../../src/lib/server/db';

let database: Database & { drop(): Promise<void> };
let push: FakePushService;
let home: Clinic;
let desk: ClinicContext;

/** A patient whose record is linked to an account with one subscribed browser per path. */
async function subscribedPatient(paths: string[], preferredLanguage: 'en' | 'ur' = 'en') {
	const account = await makeUser(database.db, { kind: 'patient', email: `push-${rand(3)}@example.test` });
	const result = await registerPatient(database.db, desk, { name: `Patient ${rand(3)}`, preferredLanguage }, { allowDuplicate: true });
	if (result.status !== 'created') throw new Error('not created');
	await database.db.update(patient).set({ userId: account.id }).where(eq(patient.id, result.patient.id));
	const browsers = [];
	for (const path of paths) {
		const keys = browserKeys();
		push.browsers.set(path, keys);
		// Straight into the table: the fake service is plain http on 127.0.0.1, which the API rightly refuses.
		const [row] = await database.db
			.insert(pushSubscription)
			.values({ userId: account.id, endpoint: `${push.origin}${path}`, p256dh: keys.p256dh, auth: keys.auth })
			.returning();
		browsers.push(row);
	}
	return { account, patientId: result.patient.id, browsers };
}

/** Checks the patient in with a doctor nobody else waits for, so "nearly your turn" goes out at once. */
async function checkIn(patientId: string) {
	const doctorId = (await makeMember(database.db, home.id, 'doctor')).id;
	await checkInPatient(database.db, desk, { patientId, doctorId, idempotencyKey: rand(8) });
	const rows = await database.db.select().from(outboxEvent).where(eq(outboxEvent.type, 'queue.almost_next'));
	return rows.find((r) => r.payload.patientId === patientId)!;
}

const eventById = async (id: number) => (await database.db.select().from(outboxEvent).where(eq(outboxEvent.id, id)))[0];
const subscriptionsOf = (userId: string) => database.db.select().from(pushSubscription).where(eq(pushSubscription.userId, userId));

beforeAll(async () => {
	database = await freshDatabase();
	push = await startFakePushService();
	home = await makeClinic(database.db, { name: 'Shifa Clinic' });
	desk = { clinicId: home.id, actor: { userId: (await makeMember(database.db, home.id, 'reception')).id, role: 'reception' } };
});

afterAll(async () => {
	await push?.close();
	await database?.drop();
});

function worker(env: Record<string, string> = {}) {
	const { log, lines } = captureLog();
	const w = startNotificationDelivery(database.db, parseEnv({ ORIGIN: 'https://clinic.example.org', MAIL_FROM: 'Shifa <desk@shifa.example>', ...env }), log, {
		autostart: false
	});
	return { w, lines };
}

describe('web push delivery', () => {
	it('pushes to every browser of the account, VAPID-signed with the key generated once and kept in the database, encrypted with aes128gcm', async () => {
		const { patientId, browsers } = await subscribedPatient(['/phone-a', '/laptop-b'], 'ur');
		const event = await checkIn(patientId);
		const { w } = worker();
		await w.runOnce();
		await w.stop();
		const received = push.received.filter((r) => r.path === '/phone-a' || r.path === '/laptop-b');
		expect(received.map((r) => r.path).sort()).toEqual(['/laptop-b', '/phone-a']);
		expect(push.refused).toEqual([]);
		const [stored] = await database.db.select().from(vapidKey);
		for (const r of received) {
			expect(r.claims.publicKey).toBe(stored.publicKey);
			expect(r.claims.sub).toBe('https://clinic.example.org');
			expect(r.claims.aud).toBe(push.origin);
			expect(r.message).toMatchObject({ url: '/me', lang: 'ur', tag: `queue-${event.payload.tokenId}` });
			expect(r.message.title).toMatch(/^ٹوکن .*: آپ کی باری قریب ہے$/);
			expect(r.message.body).toContain('Shifa Clinic');
			// "Nearly your turn" is worth nothing an hour later.
			expect(r.urgency).toBe('high');
			expect(r.ttl).toBeLessThanOrEqual(15 * 60);
		}
		const done = await eventById(event.id);
		expect(done.deliveredTo.sort()).toEqual(['email:log', ...browsers.map((b) => `push:${b.id}`)].sort());
		expect(done.processedAt).toBeInstanceOf(Date);
	});

	it('drops a subscription the push service says is gone (410) or unknown (404), and counts the event delivered', async () => {
		const { account, patientId } = await subscribedPatient(['/expired', '/forgotten', '/alive']);
		push.answers.set('/expired', 410);
		push.browsers.delete('/forgotten');
		const event = await checkIn(patientId);
		const { w } = worker();
		await w.runOnce();
		await w.stop();
		expect((await subscriptionsOf(account.id)).map((s) => new URL(s.endpoint).pathname)).toEqual(['/alive']);
		const done = await eventById(event.id);
		expect(done.processedAt).toBeInstanceOf(Date);
		expect(done.lastError).toBeNull();
	});

	it('retries a push the service refused for now (503) without sending the email again', async () => {
		const { account, patientId } = await subscribedPatient(['/busy']);
		push.answers.set('/busy', 503);
		const event = await checkIn(patientId);
		const first = worker();
		await first.w.runOnce();
		await first.w.stop();
		const waiting = await eventById(event.id);
		expect(waiting).toMatchObject({ processedAt: null, failedAt: null, attempts: 1, deliveredTo: ['email:log'] });
		expect(waiting.lastError).toMatch(/^push:.*503/);
		expect(await subscriptionsOf(account.id)).toHaveLength(1);
		push.answers.delete('/busy');
		await database.db
			.update(outboxEvent)
			.set({ availableAt: new Date(Date.now() - 1000) })
			.where(eq(outboxEvent.id, event.id));
		const second = worker();
		await second.w.runOnce();
		await second.w.stop();
		expect(push.received.filter((r) => r.path === '/busy')).toHaveLength(1);
		expect(second.lines.filter((l) => l.to === account.email)).toEqual([]);
		const done = await eventById(event.id);
		expect(done.processedAt).toBeInstanceOf(Date);
		expect(done.attempts).toBe(2);
	});

	it('signs with VAPID keys from the environment when they are set', async () => {
		const keys = webpush.generateVAPIDKeys();
		const { patientId } = await subscribedPatient(['/env-keys']);
		await checkIn(patientId);
		const { w } = worker({ VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: keys.privateKey, VAPID_SUBJECT: 'mailto:it@shifa.example' });
		await w.runOnce();
		await w.stop();
		const [r] = push.received.filter((x) => x.path === '/env-keys');
		expect(r.claims).toMatchObject({ publicKey: keys.publicKey, sub: 'mailto:it@shifa.example' });
	});
});

describe('push subscriptions', () => {
	const valid = () => {
		const keys = browserKeys();
		return { endpoint: `https://fcm.googleapis.com/fcm/send/${rand(12)}`, expirationTime: null, keys: { p256dh: keys.p256dh, auth: keys.auth } };
	};

	it('keeps one row per browser: subscribing again refreshes the keys, and a shared browser moves to whoever subscribed last', async () => {
		const first = await makeUser(database.db, { kind: 'patient' });
		const second = await makeUser(database.db, { kind: 'patient' });
		const body = valid();
		const saved = await savePushSubscription(database.db, first.id, body);
		const refreshed = { ...body, keys: valid().keys };
		expect((await savePushSubscription(database.db, first.id, refreshed)).id).toBe(saved.id);
		await savePushSubscription(database.db, second.id, refreshed);
		expect(await listPushSubscriptions(database.db, first.id)).toEqual([]);
		const [row] = await subscriptionsOf(second.id);
		expect(row).toMatchObject({ id: saved.id, endpoint: body.endpoint, p256dh: refreshed.keys.p256dh, auth: refreshed.keys.auth });
		// Another account cannot remove it; its owner can, and again without error.
		expect(await removePushSubscription(database.db, first.id, { endpoint: body.endpoint })).toBe(false);
		expect(await removePushSubscription(database.db, second.id, { endpoint: body.endpoint })).toBe(true);
		expect(await removePushSubscription(database.db, second.id, { endpoint: body.endpoint })).toBe(false);
		expect(await subscriptionsOf(second.id)).toEqual([]);
	});

	it('refuses endpoints that are not https on a public host, and keys of the wrong size, saving nothing', async () => {
		const user = await makeUser(database.db, { kind: 'patient' });
		const good = valid();
		const bad: [unknown, string][] = [
			[{ ...good, endpoint: 'http://fcm.googleapis.com/fcm/send/x' }, 'endpoint'],
			[{ ...good, endpoint: 'https://127.0.0.1/push' }, 'endpoint'],
			[{ ...good, endpoint: 'https://localhost/push' }, 'endpoint'],
			[{ ...good, endpoint: 'https://intranet/push' }, 'endpoint'],
			[{ ...good, endpoint: 'not a url' }, 'endpoint'],
			[{ ...good, keys: { ...good.keys, p256dh: good.keys.p256dh.slice(0, 40) } }, 'keys.p256dh'],
			[{ ...good, keys: { ...good.keys, p256dh: Buffer.alloc(65, 7).toString('base64url') } }, 'keys.p256dh'],
			[{ ...good, keys: { ...good.keys, auth: 'c2hvcnQ' } }, 'keys.auth'],
			[{ ...good, keys: { ...good.keys, auth: '!!!!!!!!!!!!!!!!!!!!!!' } }, 'keys.auth'],
			[{ endpoint: good.endpoint }, 'keys']
		];
		for (const [body, field] of bad) {
			await expect(savePushSubscription(database.db, user.id, body), JSON.stringify(body)).rejects.toMatchObject({ status: 400, field });
		}
		expect(await subscriptionsOf(user.id)).toEqual([]);
	});
});
