import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { documentName } from '../../src/lib/sync/protocol';
import { readProjection } from '../../src/lib/server/sync/projection';
import { publishChanges } from '../../src/lib/server/sync/publish';
import { appUser } from '../../src/lib/server/db/schema';
import { makeClinic, makeMember, makeSession } from '../factories';
import { connect, dayFromToday, eventually, startSync, type RunningSync } from './harness';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// A prefix of its own, so parallel runs on one Redis never hear each other.
const redis = { url: redisUrl, prefix: `tabeeb-test-${randomBytes(4).toString('hex')}` };

let one: RunningSync;
let two: RunningSync;
beforeAll(async () => {
	one = await startSync({ redis, name: 'one' });
	two = await startSync({ redis, name: 'two' });
});
afterAll(async () => {
	await one.close();
	await two.close();
});

describe('two sync instances sharing Redis', () => {
	it('carries an edit made through one instance to a client of the other', async () => {
		const { db } = one.database;
		const clinic = await makeClinic(db);
		const token = await makeSession(db, (await makeMember(db, clinic.id, 'reception')).id);
		const name = documentName.desk(clinic.id, dayFromToday(1));
		const a = connect(one.url, name, { token });
		const b = connect(two.url, name, { token });
		expect(await a.outcome).toBe('synced');
		expect(await b.outcome).toBe('synced');
		a.doc.getText('notes').insert(0, 'Room 2 is free');
		expect(
			await eventually(
				() => b.doc.getText('notes').toString(),
				(t) => t === 'Room 2 is free'
			)
		).toBe('Room 2 is free');
		a.destroy();
		b.destroy();
	});

	it('rebuilds a projection held by the other instance when a change is published', async () => {
		const { db } = one.database;
		const clinic = await makeClinic(db);
		const member = await makeMember(db, clinic.id, 'doctor', { name: 'Before Rename' });
		const name = documentName.staff(clinic.id);
		const b = connect(two.url, name, { token: await makeSession(db, member.id) });
		expect(await b.outcome).toBe('synced');
		await db.update(appUser).set({ name: 'After Rename' }).where(eq(appUser.id, member.id));
		await publishChanges([name]);
		await eventually(
			() => JSON.stringify(readProjection(b.doc).staff),
			(s) => s.includes('After Rename')
		);
		b.destroy();
	});

	it('hears a change published by a web-only process, on the channel named by REDIS_PREFIX', async () => {
		const { db } = one.database;
		const clinic = await makeClinic(db);
		const member = await makeMember(db, clinic.id, 'doctor', { name: 'Web Before' });
		const name = documentName.staff(clinic.id);
		const b = connect(two.url, name, { token: await makeSession(db, member.id) });
		expect(await b.outcome).toBe('synced');
		await db.update(appUser).set({ name: 'Web After' }).where(eq(appUser.id, member.id));
		const published = spawnSync(process.execPath, ['--import', 'tsx', 'tests/sync/fixtures/publish-process.ts', name], {
			env: { ...process.env, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, LOG_LEVEL: 'error' },
			encoding: 'utf8'
		});
		expect(published.status, published.stderr).toBe(0);
		await eventually(
			() => JSON.stringify(readProjection(b.doc).staff),
			(s) => s.includes('Web After')
		);
		b.destroy();
	});
});
