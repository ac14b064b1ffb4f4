import { afterEach, describe, expect, it, vi } from 'vitest';
import { patientSearch } from './patientSearch';

const patient = (name: string) => ({ id: `id-${name}`, name, ref: `SHF-P-${name.length}`, phone: null });

/** A fetch whose answers the test releases one by one, in any order. */
function heldFetch() {
	const pending = new Map<string, (body: unknown) => void>();
	const fetch = vi.fn(
		(url: string) =>
			new Promise<Response>((resolve) => pending.set(new URL(url, 'http://x').searchParams.get('q') ?? '', (body) => resolve(Response.json(body))))
	);
	vi.stubGlobal('fetch', fetch);
	return { fetch, answer: (q: string, body: unknown) => pending.get(q)?.(body) };
}

afterEach(() => {
	vi.unstubAllGlobals();
	vi.useRealTimers();
});

describe('patient search as you type', () => {
	it('asks once after a pause in typing, not per keystroke', async () => {
		vi.useFakeTimers();
		const { fetch } = heldFetch();
		const search = patientSearch('/SHF01/calendar/patients', () => {});
		for (const text of ['Am', 'Ami', 'Amin', 'Amina']) search.typed(text);
		await vi.advanceTimersByTimeAsync(250);
		expect(fetch).toHaveBeenCalledTimes(1);
		expect(fetch.mock.calls[0][0]).toBe('/SHF01/calendar/patients?q=Amina');
	});

	it('drops an answer that arrives after a newer question', async () => {
		const { answer } = heldFetch();
		const answers: string[][] = [];
		const search = patientSearch('/p', (found) => answers.push(found.map((p) => p.name)));
		search.now('Ali');
		search.now('Alina');
		answer('Alina', { patients: [patient('Alina')] });
		answer('Ali', { patients: [patient('Ali'), patient('Alina')] });
		await vi.waitFor(() => expect(answers).toEqual([['Alina']]));
		await new Promise((r) => setTimeout(r, 10));
		expect(answers).toEqual([['Alina']]);
	});

	it('answers an empty list for fewer than two letters without asking, and skips malformed entries', async () => {
		const { fetch, answer } = heldFetch();
		const answers: string[][] = [];
		const search = patientSearch('/p', (found) => answers.push(found.map((p) => p.name)));
		search.now(' A ');
		expect(fetch).not.toHaveBeenCalled();
		search.now('Sana');
		answer('Sana', { patients: [patient('Sana'), { id: 4 }, null] });
		await vi.waitFor(() => expect(answers).toEqual([[], ['Sana']]));
	});

	it('keeps the last answer when the network fails, and reports when it is busy', async () => {
		vi.stubGlobal(
			'fetch',
			vi.fn(() => Promise.reject(new TypeError('Failed to fetch')))
		);
		const answers: unknown[] = [];
		const busy: boolean[] = [];
		const search = patientSearch(
			'/p',
			(found) => answers.push(found),
			(b) => busy.push(b)
		);
		search.now('Omar');
		await vi.waitFor(() => expect(busy).toEqual([true, false]));
		expect(answers).toEqual([]);
	});
});
