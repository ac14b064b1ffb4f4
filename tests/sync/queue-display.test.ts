import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { documentName } from '../../src/lib/sync/protocol';
import { readProjection } from '../../src/lib/server/sync/projection';
import { patient } from '../../src/lib/server/db/schema';
import { checkInPatient } from '../../src/lib/server/queue/checkIn';
import { callNext } from '../../src/lib/server/queue/callNext';
import { createDisplayKey, revokeDisplayKey } from '../../src/lib/server/queue/displayKeys';
import { clinicToday } from '../../src/lib/time';
import { makeClinic, makeMember, makeSession, makeUser, middayTimeZone, rand } from '../factories';
import WebSocket from 'ws';
import { KioskConnection } from '../../src/lib/components/queue/kioskConnection';
import { connect, eventually, listenSync, startSync, type RunningSync } from './harness';

let running: RunningSync;
beforeAll(async () => {
	running = await startSync({ displayKeyRecheckMs: 200 });
});
afterAll(() => running.close());

type Row = Record<string, unknown>;
const tokensOf = (doc: Y.Doc) => (readProjection(doc).tokens ?? []) as Row[];
let refNo = 1;

async function scene() {
	const { db } = running.database;
	const home = await makeClinic(db, { name: `Shifa ${rand(2)}`, branding: { color: '#0a7' }, timezone: middayTimeZone() });
	const admin = await makeMember(db, home.id, 'admin');
	const desk = await makeMember(db, home.id, 'reception');
	const doctor = await makeMember(db, home.id, 'doctor', { name: 'Dr Sana Malik' });
	const account = await makeUser(db, { kind: 'patient', name: 'Zainab Qureshi' });
	const [mine] = await db
		.insert(patient)
		.values({ clinicId: home.id, refNo: refNo++, name: 'Zainab Qureshi', phone: '+923001234567', userId: account.id })
		.returning();
	const others = await db
		.insert(patient)
		.values([1, 2, 3].map((i) => ({ clinicId: home.id, refNo: refNo++, name: `Other Person ${i}`, phone: `+92300765432${i}` })))
		.returning();
	const day = clinicToday(home.timezone);
	const deskCtx = { clinicId: home.id, actor: { userId: desk.id, role: 'reception' as const } };
	return {
		db,
		home,
		admin,
		desk,
		doctor,
		account,
		mine,
		others,
		day,
		deskCtx,
		adminCtx: { clinicId: home.id, actor: { userId: admin.id, role: 'admin' as const } }
	};
}

describe('queue, display and patient live projections', () => {
	it('show a check-in and a call live to staff, the waiting room and the patient; the display carries no personal data', async () => {
		const s = await scene();
		const { key } = await createDisplayKey(s.db, s.adminCtx, { name: 'Waiting room 1' });
		const staff = connect(running.url, documentName.queue(s.home.id, s.day), { token: await makeSession(s.db, s.desk.id) });
		const kiosk = connect(running.url, documentName.display(s.home.id, s.day), { token: key });
		const phone = connect(running.url, documentName.patientLive(s.mine.id), { token: await makeSession(s.db, s.account.id) });
		expect(await staff.outcome).toBe('synced');
		expect(await kiosk.outcome).toBe('synced');
		expect(await phone.outcome).toBe('synced');

		for (const p of s.others) await checkInPatient(s.db, s.deskCtx, { patientId: p.id, doctorId: s.doctor.id, idempotencyKey: `k-${rand(6)}` });
		const mine = await checkInPatient(s.db, s.deskCtx, { patientId: s.mine.id, doctorId: s.doctor.id, idempotencyKey: `k-${rand(6)}` });

		const staffRows = await eventually(
			() => tokensOf(staff.doc),
			(rows) => rows.length === 4
		);
		expect(staffRows.find((r) => r.id === mine.id)).toMatchObject({ token: '004', patientName: 'Zainab Qureshi', status: 'waiting', ahead: 3 });
		const live = await eventually(
			() => readProjection(phone.doc).queue as Row | null,
			(q) => q?.token === '004'
		);
		expect(live).toMatchObject({ status: 'waiting', ahead: 3, doctor: 'Dr Sana Malik' });
		expect(Number(live?.waitMinutes)).toBeGreaterThan(0);

		await callNext(
			s.db,
			{ clinicId: s.home.id, actor: { userId: s.doctor.id, role: 'doctor' } },
			{ doctorId: s.doctor.id, idempotencyKey: crypto.randomUUID() }
		);
		const display = await eventually(
			() => readProjection(kiosk.doc),
			(d) => Array.isArray(d.doctors) && (d.doctors as Row[])[0]?.nowServing === '001'
		);
		expect(display.doctors).toEqual([{ slot: 1, doctor: 'Dr Sana Malik', room: null, nowServing: '001', calls: 1, next: ['002', '003', '004'] }]);
		expect(display.next).toEqual(['002', '003', '004']);
		expect(display.clinic).toEqual({ name: s.home.name, color: '#0a7', tagline: null });
		const shown = JSON.stringify(display);
		for (const p of [s.mine, ...s.others]) {
			for (const secret of [p.name, p.phone!, p.id, String(p.refNo).padStart(4, 'P')]) expect(shown).not.toContain(secret);
		}
		expect(shown).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
		expect(
			await eventually(
				() => (readProjection(phone.doc).queue as Row).ahead,
				(a) => a === 2
			)
		).toBe(2);
		for (const c of [staff, kiosk, phone]) c.destroy();
	});

	it('lets only the patient and staff of the clinic open a patient’s live document, and a kiosk only its own display', async () => {
		const s = await scene();
		const other = await scene();
		const { key } = await createDisplayKey(s.db, s.adminCtx, { name: 'Hall' });
		const stranger = connect(running.url, documentName.patientLive(s.mine.id), { token: await makeSession(s.db, other.account.id) });
		const outsiderStaff = connect(running.url, documentName.patientLive(s.mine.id), { token: await makeSession(s.db, other.desk.id) });
		const ownStaff = connect(running.url, documentName.patientLive(s.mine.id), { token: await makeSession(s.db, s.doctor.id) });
		const kioskQueue = connect(running.url, documentName.queue(s.home.id, s.day), { token: key });
		const kioskElsewhere = connect(running.url, documentName.display(other.home.id, other.day), { token: key });
		expect(await stranger.outcome).toBe('forbidden');
		expect(await outsiderStaff.outcome).toBe('forbidden');
		expect(await ownStaff.outcome).toBe('synced');
		expect(await kioskQueue.outcome).toBe('forbidden');
		expect(await kioskElsewhere.outcome).toBe('forbidden');
		for (const c of [stranger, outsiderStaff, ownStaff, kioskQueue, kioskElsewhere]) c.destroy();
	});

	it('closes an open kiosk within seconds of its key being revoked, and refuses the key afterwards', async () => {
		const s = await scene();
		const created = await createDisplayKey(s.db, s.adminCtx, { name: 'Revoked soon' });
		const kiosk = connect(running.url, documentName.display(s.home.id, s.day), { token: created.key });
		expect(await kiosk.outcome).toBe('synced');
		const started = Date.now();
		await revokeDisplayKey(s.db, s.adminCtx, created.id);
		const closed = await kiosk.closed;
		expect(closed.code).toBe(4401);
		expect(Date.now() - started).toBeLessThan(3_000);
		const again = connect(running.url, documentName.display(s.home.id, s.day), { token: created.key });
		expect(await again.outcome).toBe('unauthenticated');
		kiosk.destroy();
		again.destroy();
	});

	it('a kiosk reconnects by itself after the sync server restarts and shows what changed meanwhile', async () => {
		const s = await scene();
		const { key } = await createDisplayKey(s.db, s.adminCtx, { name: 'Restarted' });
		const first = await listenSync(running.database);
		let content: Record<string, unknown> = {};
		const states: string[] = [];
		const kiosk = new KioskConnection({
			url: first.url,
			name: documentName.display(s.home.id, s.day),
			key,
			WebSocketPolyfill: WebSocket,
			onContent: (c) => (content = c),
			onState: (state) => states.push(state)
		});
		await eventually(
			() => states.at(-1),
			(st) => st === 'live'
		);
		expect(content.next).toEqual([]);
		await first.stop();
		expect(states.at(-1)).toBe('stale');
		await checkInPatient(s.db, s.deskCtx, { patientId: s.mine.id, doctorId: s.doctor.id, idempotencyKey: `k-${rand(6)}` });
		const second = await listenSync(running.database, first.port);
		// The socket backs off while the server is away (1 s, 1.5 s, 2.25 s…), so it may take a while.
		await eventually(
			() => content.next as string[] | undefined,
			(n) => Array.isArray(n) && n.includes('001'),
			30_000
		);
		expect(states.at(-1)).toBe('live');
		kiosk.destroy();
		await second.stop();
	}, 60_000);
});
