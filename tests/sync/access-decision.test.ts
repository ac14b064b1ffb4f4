import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { eq } from 'drizzle-orm';
import { documentName } from '../../src/lib/sync/protocol';
import { destroySocket } from '../../src/lib/sync/socket';
import { defaultCatalogue, type Catalogue } from '../../src/lib/server/sync/catalogue';
import { roleIn } from '../../src/lib/server/sync/access';
import { changeMemberRole } from '../../src/lib/server/tenancy/members';
import { appUser } from '../../src/lib/server/db/schema';
import { clinicToday } from '../../src/lib/time';
import { makeClinic, makeMember, makeSession, middayTimeZone } from '../factories';
import { connect, eventually, startSync, type RunningSync } from './harness';

/**
 * The sync server's door asks the same access decision as pages and the API: a clinic's
 * "require 2FA" and an admin's password reset hold here too, and a change of role narrows or
 * ends only the documents it must.
 */
const visitId = '8f1c2a47-0e4b-4f3f-8a6e-2b9d7c1e4f77';
let chart: { clinicId: string; clinicianUserIds: string[] };

function catalogueWithAChart(): Catalogue {
	const catalogue = defaultCatalogue();
	catalogue.locators.chart = async (db, ref, actor) => {
		if (ref.type !== 'chart' || ref.visitId !== visitId) return null;
		return { clinicId: chart.clinicId, role: await roleIn(db, actor, chart.clinicId), closed: false, clinicianUserIds: chart.clinicianUserIds };
	};
	return catalogue;
}

let running: RunningSync;
beforeAll(async () => {
	running = await startSync({ catalogue: catalogueWithAChart() });
});
afterAll(() => running.close());

async function outcome(name: string, token: string) {
	const client = connect(running.url, name, { token });
	const result = await client.outcome;
	const scope = result === 'synced' ? client.provider.authorizedScope : result;
	client.destroy();
	return scope;
}

/** Two documents on one socket, as a Node client or an app holding several documents does. */
function shareSocket(token: string, names: string[]) {
	const socket = new HocuspocusProviderWebsocket({ url: running.url, WebSocketPolyfill: WebSocket, maxAttempts: 1 });
	let socketClosed = false;
	socket.on('close', () => (socketClosed = true));
	const docs = names.map((name) => {
		const doc = new Y.Doc();
		const provider = new HocuspocusProvider({ websocketProvider: socket, name, document: doc, token });
		provider.attach();
		const closes: string[] = [];
		provider.on('close', ({ event }: { event: { reason: string } }) => closes.push(event.reason));
		const synced = new Promise<void>((resolve) => provider.on('synced', () => resolve()));
		return { doc, provider, closes, synced };
	});
	return {
		docs,
		socketClosed: () => socketClosed,
		destroy() {
			for (const d of docs) d.provider.destroy();
			destroySocket(socket);
		}
	};
}

describe('the sync server asks the one access decision', () => {
	it('refuses every document of a clinic that requires 2FA to a member without it, and opens them once they enrol', async () => {
		const { db } = running.database;
		const clinic = await makeClinic(db, { require2fa: true, timezone: middayTimeZone() });
		const desk = await makeMember(db, clinic.id, 'reception');
		const today = clinicToday(clinic.timezone);
		const names = [
			documentName.staff(clinic.id),
			documentName.queue(clinic.id, today),
			documentName.desk(clinic.id, today),
			documentName.calendar(clinic.id, today)
		];
		const before = await makeSession(db, desk.id);
		for (const name of names) expect(await outcome(name, before)).toBe('forbidden');

		await db.update(appUser).set({ totpKey: 'JBSWY3DPEHPK3PXP' }).where(eq(appUser.id, desk.id));
		const after = await makeSession(db, desk.id);
		expect(await outcome(documentName.staff(clinic.id), after)).toBe('readonly');
		expect(await outcome(documentName.desk(clinic.id, today), after)).toBe('read-write');
	});

	it('refuses every document to a member whose password an admin reset until they choose their own', async () => {
		const { db } = running.database;
		const clinic = await makeClinic(db, { timezone: middayTimeZone() });
		const admin = await makeMember(db, clinic.id, 'admin', { mustChangePassword: true });
		const token = await makeSession(db, admin.id);
		expect(await outcome(documentName.staff(clinic.id), token)).toBe('forbidden');
		expect(await outcome(documentName.desk(clinic.id, clinicToday(clinic.timezone)), token)).toBe('forbidden');

		await db.update(appUser).set({ mustChangePassword: false }).where(eq(appUser.id, admin.id));
		expect(await outcome(documentName.staff(clinic.id), await makeSession(db, admin.id))).toBe('readonly');
	});

	it('closes only the document a new role may not open, and keeps the rest of the socket live', async () => {
		const { db } = running.database;
		const clinic = await makeClinic(db, { timezone: middayTimeZone() });
		const admin = await makeMember(db, clinic.id, 'admin');
		const doctor = await makeMember(db, clinic.id, 'doctor');
		chart = { clinicId: clinic.id, clinicianUserIds: [doctor.id] };
		const deskName = documentName.desk(clinic.id, clinicToday(clinic.timezone));
		const held = shareSocket(await makeSession(db, doctor.id), [documentName.chart(visitId), deskName]);
		await Promise.all(held.docs.map((d) => d.synced));
		const [chartDoc, deskDoc] = held.docs;

		await changeMemberRole(db, { clinicId: clinic.id, actor: { userId: admin.id, role: 'admin' } }, doctor.id, { role: 'reception' });
		await eventually(
			() => chartDoc.closes,
			(c) => c.includes('forbidden')
		);

		// The desk document on the same socket still hears a colleague's note.
		const colleague = connect(running.url, deskName, { token: await makeSession(db, admin.id) });
		expect(await colleague.outcome).toBe('synced');
		colleague.doc.getText('notes').insert(0, 'still here');
		await eventually(
			() => deskDoc.doc.getText('notes').toString(),
			(t) => t === 'still here'
		);
		expect(deskDoc.closes).toEqual([]);
		expect(held.socketClosed()).toBe(false);
		colleague.destroy();
		held.destroy();
	});

	it('turns a writer into a reader when they may only read now: their later edits reach nobody', async () => {
		const { db } = running.database;
		const clinic = await makeClinic(db, { timezone: middayTimeZone() });
		const admin = await makeMember(db, clinic.id, 'admin');
		const first = await makeMember(db, clinic.id, 'doctor');
		const second = await makeMember(db, clinic.id, 'doctor');
		chart = { clinicId: clinic.id, clinicianUserIds: [first.id, second.id] };
		const name = documentName.chart(visitId);
		const leaving = connect(running.url, name, { token: await makeSession(db, first.id) });
		const staying = connect(running.url, name, { token: await makeSession(db, second.id) });
		expect(await leaving.outcome).toBe('synced');
		expect(await staying.outcome).toBe('synced');

		// The first doctor hands the visit over; a clinic-wide change (a colleague's new role) re-checks open documents.
		chart = { clinicId: clinic.id, clinicianUserIds: [second.id] };
		await changeMemberRole(db, { clinicId: clinic.id, actor: { userId: admin.id, role: 'admin' } }, (await makeMember(db, clinic.id, 'reception')).id, {
			role: 'doctor'
		});
		const connectionOf = (userId: string) =>
			running.sync.hocuspocus.documents
				.get(name)
				?.getConnections()
				.find((c) => (c.context as { actor?: { kind: string; userId?: string } }).actor?.userId === userId);
		await eventually(
			() => connectionOf(first.id)?.readOnly,
			(readOnly) => readOnly === true
		);
		expect(connectionOf(first.id)).toBeDefined();
		expect(connectionOf(second.id)?.readOnly).toBe(false);

		leaving.doc.getText('plan').insert(0, 'FORBIDDEN ');
		staying.doc.getText('plan').insert(0, 'allowed');
		await eventually(
			() => staying.doc.getText('plan').toString(),
			(t) => t.includes('allowed')
		);
		const late = connect(running.url, name, { token: await makeSession(db, second.id) });
		expect(await late.outcome).toBe('synced');
		await eventually(
			() => late.doc.getText('plan').toString(),
			(t) => t.includes('allowed')
		);
		expect(late.doc.getText('plan').toString()).not.toContain('FORBIDDEN');
		for (const c of [leaving, staying, late]) c.destroy();
	});
});
