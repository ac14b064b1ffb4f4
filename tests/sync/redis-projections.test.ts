import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { documentName } from '../../src/lib/sync/protocol';
import { readProjection } from '../../src/lib/server/sync/projection';
import { checkInPatient } from '../../src/lib/server/queue/checkIn';
import { queueToken } from '../../src/lib/server/db/schema';
import { makeMember, makeSession, rand } from '../factories';
import { ctxOf, makePatient, queueScene } from '../integration/queueScene';
import { connect, eventually, startSync, type RunningSync } from './harness';

/**
 * Two instances behind one Redis each rebuild the projections they hold from Postgres. Their
 * copies are written independently, so if Redis merged them a list would hold the same token
 * twice. Every client, on either instance, must end with exactly the rows Postgres has.
 */
const redis = { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: `tabeeb-test-${randomBytes(4).toString('hex')}` };

let one: RunningSync;
let two: RunningSync;
beforeAll(async () => {
	one = await startSync({ redis, name: 'one' });
	two = await startSync({ redis, name: 'two', database: one.database });
});
afterAll(async () => {
	await two.close();
	await one.close();
});

const ids = (content: Record<string, unknown>) => ((content.tokens ?? []) as { id: string }[]).map((t) => t.id);

describe('projections held by two instances sharing Redis', () => {
	it('never repeat a list entry, even when both instances rebuild the same change at the same moment', async () => {
		const { db } = one.database;
		const s = await queueScene(db);
		const name = documentName.queue(s.home.id, s.day);
		const viewer = await makeMember(db, s.home.id, 'admin');
		const onOne = connect(one.url, name, { token: await makeSession(db, viewer.id) });
		const onTwo = connect(two.url, name, { token: await makeSession(db, s.desk.id) });
		expect(await onOne.outcome).toBe('synced');
		expect(await onTwo.outcome).toBe('synced');

		for (let i = 0; i < 6; i++) {
			const patient = await makePatient(db, s.home.id);
			await checkInPatient(db, ctxOf(s.home.id, s.desk.id, 'reception'), { patientId: patient.id, doctorId: s.doctor.id, idempotencyKey: rand(8) });
			// Force the interleaving: both instances apply the same new token locally before either hears the other.
			await Promise.all([one.sync.rebuildProjections([name]), two.sync.rebuildProjections([name])]);
		}

		const rows = (await db.select({ id: queueToken.id }).from(queueToken).where(eq(queueToken.clinicId, s.home.id))).map((r) => r.id).sort();
		expect(rows).toHaveLength(6);
		for (const client of [onOne, onTwo]) {
			const seen = await eventually(
				() => ids(readProjection(client.doc)),
				(list) => list.length >= rows.length && rows.every((id) => list.includes(id))
			);
			expect([...seen].sort()).toEqual(rows);
		}
		// A last change through the other instance: once it shows, nothing merged in late either.
		const last = await makePatient(db, s.home.id);
		const token = await checkInPatient(db, ctxOf(s.home.id, s.desk.id, 'reception'), { patientId: last.id, doctorId: s.doctor.id, idempotencyKey: rand(8) });
		for (const client of [onOne, onTwo]) {
			const seen = await eventually(
				() => ids(readProjection(client.doc)),
				(list) => list.includes(token.id)
			);
			expect([...seen].sort()).toEqual([...rows, token.id].sort());
		}
		onOne.destroy();
		onTwo.destroy();
	});

	it('still shares who has a projection open between the instances', async () => {
		const { db } = one.database;
		const s = await queueScene(db);
		const name = documentName.queue(s.home.id, s.day);
		const a = connect(one.url, name, { token: await makeSession(db, s.desk.id) });
		const b = connect(two.url, name, { token: await makeSession(db, s.doctor.id) });
		expect(await a.outcome).toBe('synced');
		expect(await b.outcome).toBe('synced');
		a.provider.setAwarenessField('user', { id: s.desk.id, name: 'Desk', color: '#123456' });
		await eventually(
			() => [...(b.provider.awareness?.getStates().values() ?? [])].map((st) => (st.user as { id?: string } | undefined)?.id),
			(seen) => seen.includes(s.desk.id)
		);
		a.destroy();
		b.destroy();
	});
});
