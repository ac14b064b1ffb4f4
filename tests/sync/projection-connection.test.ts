import { beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { documentName } from '../../src/lib/sync/protocol';
import { ProjectionConnection, type ProjectionState } from '../../src/lib/sync/projectionConnection';
import { setStaffDuty } from '../../src/lib/server/tenancy/setStaffDuty';
import { clinicToday } from '../../src/lib/time';
import type { Database } from '../../src/lib/server/db';
import { testDatabase } from '../db';
import { makeClinic, makeMember, makeSession, middayTimeZone } from '../factories';
import { eventually, listenSync } from './harness';

let database: Database;
beforeAll(async () => {
	database = await testDatabase();
});

type StaffEntry = { userId: string; onDuty: boolean };
const onDutyOf = (content: Record<string, unknown>, userId: string) => (content.staff as StaffEntry[] | undefined)?.find((s) => s.userId === userId)?.onDuty;

describe('a browser’s connection to a projection', () => {
	it('after each server restart shows exactly what the rebuilt projection holds, never an old value merged back', async () => {
		const { db } = database;
		// Noon there: the duty set for "today" below is still today's through all the restarts.
		const clinic = await makeClinic(db, { timezone: middayTimeZone() });
		const admin = await makeMember(db, clinic.id, 'admin');
		const doctor = await makeMember(db, clinic.id, 'doctor');
		const ctx = { clinicId: clinic.id, actor: { userId: admin.id, role: 'admin' as const } };
		const day = clinicToday(clinic.timezone);
		let server = await listenSync(database);
		let content: Record<string, unknown> = {};
		const states: ProjectionState[] = [];
		const connection = new ProjectionConnection({
			url: server.url,
			name: documentName.staff(clinic.id),
			token: await makeSession(db, admin.id),
			WebSocketPolyfill: WebSocket,
			backoff: { delay: 50, factor: 1, maxDelay: 100 },
			onContent: (c) => (content = c),
			onState: (state) => states.push(state)
		});
		await eventually(
			() => states.at(-1),
			(s) => s === 'live'
		);
		expect(onDutyOf(content, doctor.id)).toBe(false);

		// Each restart rebuilds the projection as new Yjs history. A client that merged its old copy
		// in would keep the older value about half the time, so several rounds catch it.
		for (const onDuty of [true, false, true, false]) {
			await server.stop();
			await eventually(
				() => states.at(-1),
				(s) => s === 'stale'
			);
			await setStaffDuty(db, ctx, { userId: doctor.id, day, onDuty });
			server = await listenSync(database, server.port);
			await eventually(
				() => states.at(-1),
				(s) => s === 'live',
				15_000
			);
			expect(onDutyOf(content, doctor.id)).toBe(onDuty);
		}
		connection.destroy();
		await server.stop();
	}, 90_000);

	it('stops for good when the server refuses the session', async () => {
		const server = await listenSync(database);
		const states: ProjectionState[] = [];
		const clinic = await makeClinic(database.db);
		// Every socket the connection opens; the clock is faked the moment the refused one closes,
		// so any reconnect it schedules then (after up to 100 ms of backoff) is held until advanced below.
		const sockets: WebSocket[] = [];
		let closed!: () => void;
		const firstClosed = new Promise<void>((resolve) => (closed = resolve));
		class CountedSocket extends WebSocket {
			constructor(url: string) {
				super(url);
				sockets.push(this);
				this.addEventListener('close', () => {
					vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
					closed();
				});
			}
		}
		const connection = new ProjectionConnection({
			url: server.url,
			name: documentName.staff(clinic.id),
			token: 'not-a-session',
			WebSocketPolyfill: CountedSocket,
			backoff: { delay: 50, factor: 1, maxDelay: 100 },
			onContent: () => {},
			onState: (state) => states.push(state)
		});
		try {
			await firstClosed;
			// Far past every backoff: a reconnect would have opened a second socket by now.
			await vi.advanceTimersByTimeAsync(10_000);
		} finally {
			vi.useRealTimers();
		}
		expect(states).toEqual(['refused']);
		expect(sockets).toHaveLength(1);
		connection.destroy();
		await server.stop();
	});
});
