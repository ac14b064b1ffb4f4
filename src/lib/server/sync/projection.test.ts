import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyProjection, readProjection, type Json, type ProjectionContent } from './projection';

/** A server document and a replica that only ever sees the server's updates, as a client does. */
function pair() {
	const server = new Y.Doc();
	const replica = new Y.Doc();
	const updates: Uint8Array[] = [];
	server.on('update', (update: Uint8Array) => {
		updates.push(update);
		Y.applyUpdate(replica, update);
	});
	return { server, replica, updates };
}

const token = (n: number, extra: Record<string, Json> = {}) => ({
	id: `t${n}`,
	token: String(n).padStart(3, '0'),
	status: 'waiting',
	patientName: `Patient number ${n}`,
	waitMinutes: n * 7,
	...extra
});

describe('applyProjection', () => {
	it('writes content the replica reads back exactly, and reports no change for the same content', () => {
		const { server, replica, updates } = pair();
		const content: ProjectionContent = { day: '2026-11-23', doctors: [{ id: 'd1', name: 'Dr Ayesha' }], tokens: [token(1), token(2)], builtAt: 'x' };
		expect(applyProjection(server, content)).toBe(true);
		expect(readProjection(replica)).toEqual(content);
		const before = updates.length;
		expect(applyProjection(server, structuredClone(content))).toBe(false);
		expect(updates.length).toBe(before);
	});

	it('sends one new token of a hundred as a small update, in one transaction', () => {
		const { server, replica, updates } = pair();
		const tokens = Array.from({ length: 100 }, (_, i) => token(i + 1));
		applyProjection(server, { tokens });
		const whole = Y.encodeStateAsUpdate(server).byteLength;
		const before = updates.length;
		applyProjection(server, { tokens: [...tokens, token(101)] });
		expect(updates.length).toBe(before + 1);
		const sent = updates.at(-1)!.byteLength;
		expect(sent).toBeLessThan(whole / 20);
		expect(readProjection(replica).tokens).toEqual([...tokens, token(101)]);
	});

	it('replaces only the tokens that changed', () => {
		const { server, updates } = pair();
		const tokens = Array.from({ length: 100 }, (_, i) => token(i + 1));
		applyProjection(server, { tokens });
		const whole = Y.encodeStateAsUpdate(server).byteLength;
		const next = tokens.map((t, i) => (i === 40 || i === 70 ? { ...t, status: 'with_doctor' } : t));
		applyProjection(server, { tokens: next });
		expect(updates.at(-1)!.byteLength).toBeLessThan(whole / 10);
	});

	it('keeps a replica equal to the server through any sequence of changes', () => {
		const { server, replica } = pair();
		let seed = 7;
		const random = (n: number) => {
			seed = (seed * 1103515245 + 12345) % 2 ** 31;
			return seed % n;
		};
		let list: Json[] = [];
		for (let step = 0; step < 400; step++) {
			const next = [...list];
			const action = random(5);
			if (action === 0 || next.length === 0) next.splice(random(next.length + 1), 0, token(step));
			else if (action === 1) next.splice(random(next.length), 1 + random(3));
			else if (action === 2) next[random(next.length)] = token(step, { status: 'called' });
			else if (action === 3) next.reverse();
			else next.push(token(step), token(step + 1000));
			list = next;
			const content: ProjectionContent = { tokens: list, count: list.length, ...(step % 3 === 0 ? { note: 'sometimes' } : {}) };
			applyProjection(server, content);
			expect(readProjection(replica)).toEqual(content);
		}
	});

	it('turns a list into a value and back, and removes entries that are gone', () => {
		const { server, replica } = pair();
		applyProjection(server, { entries: [1, 2, 3], extra: true });
		applyProjection(server, { entries: 'none' });
		expect(readProjection(replica)).toEqual({ entries: 'none' });
		applyProjection(server, { entries: [4] });
		expect(readProjection(replica)).toEqual({ entries: [4] });
		applyProjection(server, { entries: [] });
		expect(readProjection(replica)).toEqual({ entries: [] });
	});
});
