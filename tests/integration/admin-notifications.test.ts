import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedIn, startApp, type ApiClient, type App } from './http';
import { PASSWORD, makeClinic, makeMember } from '../factories';
import { outboxEvent } from '../../src/lib/server/db/schema';

/** The admin's notifications page, rendered by the built app from rows seeded before it starts. */
let app: App;
let admin: ApiClient, reception: ApiClient, otherAdmin: ApiClient;
let code: string;
let otherCode: string;
let failedId: number, pendingId: number, otherFailedId: number;

beforeAll(async () => {
	const people: Record<string, { email: string }> = {};
	app = await startApp({
		seed: async (db) => {
			const home = await makeClinic(db);
			const other = await makeClinic(db);
			code = home.code;
			otherCode = other.code;
			people.admin = await makeMember(db, home.id, 'admin');
			people.reception = await makeMember(db, home.id, 'reception');
			people.otherAdmin = await makeMember(db, other.id, 'admin');
			const later = new Date(Date.now() + 3_600_000);
			// Far in the future, so the app's own worker leaves the pending ones alone while the test reads them.
			const ids = await db
				.insert(outboxEvent)
				.values([
					{
						clinicId: home.id,
						type: 'queue.called',
						payload: {},
						attempts: 8,
						lastError: 'email: 550 mailbox unavailable',
						failedAt: new Date(),
						availableAt: later
					},
					{ clinicId: home.id, type: 'appointment.booked', payload: {}, attempts: 2, lastError: 'push:abc: push service answered 503', availableAt: later },
					{ clinicId: home.id, type: 'appointment.cancel', payload: {}, attempts: 1, processedAt: new Date(), deliveredTo: ['email'] },
					{ clinicId: other.id, type: 'waitlist.offered', payload: {}, attempts: 8, lastError: 'other clinic secret', failedAt: new Date(), availableAt: later }
				])
				.returning({ id: outboxEvent.id });
			[failedId, pendingId, , otherFailedId] = ids.map((r) => r.id);
		}
	});
	[admin, reception, otherAdmin] = await Promise.all(['admin', 'reception', 'otherAdmin'].map((k) => signedIn(app, people[k].email, PASSWORD)));
});

afterAll(async () => {
	await app?.stop();
});

describe('/{clinic}/admin/notifications', () => {
	it('lists this clinic’s failed and waiting notifications with attempts and last error, and nothing delivered', async () => {
		const res = await admin.get(`/${code}/admin/notifications`);
		expect(res.status).toBe(200);
		const rows = res.text.match(/<tr data-testid="notification-event"[\s\S]*?<\/tr>/g) ?? [];
		expect(rows).toHaveLength(2);
		expect(rows.find((r) => r.includes('queue.called'))).toMatch(/Called in[\s\S]*Failed[\s\S]*>8<[\s\S]*550 mailbox unavailable/);
		expect(rows.find((r) => r.includes('appointment.booked'))).toMatch(/Appointment booked[\s\S]*Waiting[\s\S]*Next try[\s\S]*>2<[\s\S]*answered 503/);
		expect(res.text).not.toContain('appointment.cancel');
		expect(res.text).not.toContain('other clinic secret');
	});

	it('is for admins only: reception gets 403, another clinic’s admin 404', async () => {
		expect((await reception.get(`/${code}/admin/notifications`)).status).toBe(403);
		expect((await otherAdmin.get(`/${code}/admin/notifications`)).status).toBe(404);
	});

	it('lets an admin send a failed notification again (and only a failed one of their clinic); reception may not', async () => {
		const retry = (client: ApiClient, eventId: string | number) => {
			const body = new URLSearchParams({ eventId: String(eventId) }).toString();
			return client.request('POST', `/${code}/admin/notifications?/retry`, {
				body,
				headers: { 'content-type': 'application/x-www-form-urlencoded', origin: app.url, accept: 'application/json', 'x-sveltekit-action': 'true' }
			});
		};
		const outcome = (res: { text: string }) => JSON.parse(res.text) as { type: string; status?: number };
		expect(outcome(await retry(reception, failedId))).toMatchObject({ type: 'failure', status: 403 });
		expect(outcome(await retry(admin, otherFailedId))).toMatchObject({ type: 'failure', status: 404 });
		expect(outcome(await retry(admin, pendingId))).toMatchObject({ type: 'failure', status: 404 });
		expect(outcome(await retry(admin, 'abc'))).toMatchObject({ type: 'failure', status: 400 });

		expect(outcome(await retry(admin, failedId))).toMatchObject({ type: 'success' });
		// No longer failed: waiting for (or already through) the worker, which the retry made it due for.
		const rows = (await admin.get(`/${code}/admin/notifications`)).text.match(/<tr data-testid="notification-event"[\s\S]*?<\/tr>/g) ?? [];
		expect(rows.find((r) => r.includes('queue.called')) ?? '').not.toContain('Failed');
		expect(outcome(await retry(admin, failedId))).toMatchObject({ type: 'failure', status: 404 });
		// The other clinic's failed event is untouched.
		expect((await otherAdmin.get(`/${otherCode}/admin/notifications`)).text).toContain('other clinic secret');
	});
});
