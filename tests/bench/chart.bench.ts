/**
 * Five people editing one visit's chart at once, then "complete visit". For BENCH_SECONDS
 * (60 by default; fewer for a quick run) the visit's doctor and four nurses type into the notes
 * (a keystroke every TICK_MS each, several people in the same section), set vitals and the doctor
 * adds and removes coded and free-text diagnoses, as the chart screen lays them out. Each edit is
 * timed from the moment its editor makes it to the moment each other editor's document has it
 * (edit → other editors' screens), on Tabeeb's sync server (authentication, the update log in the
 * database before each update is applied, presence, access re-checks) and, in the same run, on a
 * bare Hocuspocus server of the same version with no extensions. Then, on Tabeeb, every editor
 * must hold the same document, the doctor completes the visit through the real command, and the
 * snapshot it stored must hash the same as the document the editors hold. Printed: edit → peer
 * p50 and p99 on both and their ratios, how long the command took, and how long until every
 * editor was told the visit was completed. No figure is asserted: the machine is shared.
 */
import * as Y from 'yjs';
import { CHART_COMPLETED_MESSAGE, CHART_MAP, NOTE_CATEGORIES } from '../../src/lib/sync/contracts/chart';
import { readChart, snapshotHash } from '../../src/lib/server/visits/snapshot';
import { benchClient, ms, percentile, round, spawnServer, type BenchClient } from './lib';

const EDITORS = 5;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const TICK_MS = Number(process.env.TICK_MS ?? 100);
/** Edits made in the first seconds (connections warming up) are not counted. */
const WARMUP_MS = Math.min(2000, (SECONDS * 1000) / 10);
/** Each editor's section: two people write the symptoms together, one writes the plan. */
const SECTIONS = ['symptoms', 'observations', 'symptoms', 'treatment', 'plan'] as const;
const CODED = [
	{ code: 'R51', title: 'Headache' },
	{ code: 'J06.9', title: 'Acute upper respiratory infection, unspecified' },
	{ code: 'I10', title: 'Essential (primary) hypertension' },
	{ code: 'K29.7', title: 'Gastritis, unspecified' },
	{ code: null, title: 'Viral fever' }
];

type Send = { clock: number; t: bigint };
type Editor = { client: BenchClient; text: Y.XmlText; sends: Send[]; told: { payload: string; at: bigint }[] };

/** Opens the editors, each with a paragraph of its own in its section (as Tiptap lays out the notes). */
async function openEditors(url: string, name: string, tokens: string[]): Promise<Editor[]> {
	const editors: Editor[] = [];
	for (let i = 0; i < EDITORS; i++) {
		const client = await benchClient(url, name, tokens[i]);
		const told: Editor['told'] = [];
		client.provider.on('stateless', ({ payload }: { payload: string }) => told.push({ payload, at: process.hrtime.bigint() }));
		const paragraph = new Y.XmlElement('paragraph');
		const text = new Y.XmlText();
		client.doc.transact(() => {
			paragraph.insert(0, [text]);
			const fragment = client.doc.getXmlFragment(SECTIONS[i]);
			fragment.insert(fragment.length, [paragraph]);
		});
		editors.push({ client, text, sends: [], told });
	}
	return editors;
}

/** One editor's next edit: mostly a keystroke; now and then a vital; the doctor (editor 0) now and then a diagnosis. */
function edit(editor: Editor, index: number, tick: number) {
	const { doc } = editor.client;
	doc.transact(() => {
		if (index === 0 && tick % 40 === 20) {
			const list = doc.getArray<unknown>(CHART_MAP.diagnoses);
			// A delete alone would not advance the clock the timing follows: always add one too.
			if (list.length >= 4) list.delete(0, 1);
			const d = CODED[((tick / 40) % CODED.length) | 0];
			list.push([{ id: crypto.randomUUID(), code: d.code, title: d.title }]);
		} else if (tick % 25 === index) {
			const vitals = doc.getMap<unknown>(CHART_MAP.vitals);
			vitals.set('pulse', 60 + ((tick + index) % 40));
			vitals.set('systolic', 110 + (tick % 20));
			vitals.set('diastolic', 70 + (tick % 15));
			vitals.set('temperature', 36.5 + (tick % 10) / 10);
		} else {
			editor.text.insert(editor.text.length, tick % 7 === 6 ? ' ' : String.fromCharCode(97 + ((tick + index) % 26)));
		}
	});
}

/** Times every edit at every other editor: an edit has arrived when the update carrying its clock does. */
function watchArrivals(editors: Editor[], countFrom: bigint, countUntil: () => bigint, samples: number[]) {
	const byClient = new Map(editors.map((e, i) => [e.client.doc.clientID, i]));
	for (const peer of editors) {
		const next = editors.map(() => 0);
		peer.client.doc.on('update', (update: Uint8Array, origin: unknown) => {
			if (origin !== peer.client.provider) return;
			const now = process.hrtime.bigint();
			for (const [clientId, to] of Y.parseUpdateMeta(update).to) {
				const sender = byClient.get(clientId);
				if (sender === undefined) continue;
				const sends = editors[sender].sends;
				while (next[sender] < sends.length && sends[next[sender]].clock <= to) {
					const { t } = sends[next[sender]++];
					if (t >= countFrom && t <= countUntil()) samples.push(ms(now - t));
				}
			}
		});
	}
}

const until = (check: () => boolean, timeoutMs = 15_000) =>
	new Promise<boolean>((resolve) => {
		const started = Date.now();
		const poll = () => (check() ? resolve(true) : Date.now() - started > timeoutMs ? resolve(false) : setTimeout(poll, 20));
		poll();
	});

const sameState = (editors: Editor[]) => {
	const first = Buffer.from(Y.encodeStateVector(editors[0].client.doc));
	return editors.every((e) => e.client.provider.unsyncedChanges === 0 && first.equals(Buffer.from(Y.encodeStateVector(e.client.doc))));
};

async function measure(kind: 'tabeeb' | 'bare') {
	type Ready = { port: number; chart?: string; tokens?: string[] };
	const server = await spawnServer<Ready>(`tests/bench/servers/${kind === 'tabeeb' ? 'chart' : 'bare'}.ts`, { EDITORS: String(EDITORS) });
	const url = `ws://127.0.0.1:${server.ready.port}/sync`;
	const editors = await openEditors(url, server.ready.chart ?? 'bench/chart', server.ready.tokens ?? Array(EDITORS).fill('bare'));
	await until(() => sameState(editors));
	const samples: number[] = [];
	const started = process.hrtime.bigint();
	let stopped = 0n;
	watchArrivals(editors, started + BigInt(WARMUP_MS) * 1_000_000n, () => stopped || process.hrtime.bigint(), samples);
	let tick = 0;
	const timers = editors.map((editor, index) =>
		setInterval(() => {
			const t = process.hrtime.bigint();
			edit(editor, index, tick);
			editor.sends.push({ clock: Y.getState(editor.client.doc.store, editor.client.doc.clientID), t });
		}, TICK_MS)
	);
	const ticker = setInterval(() => tick++, TICK_MS);
	await new Promise((r) => setTimeout(r, SECONDS * 1000));
	for (const timer of [...timers, ticker]) clearInterval(timer);
	stopped = process.hrtime.bigint();
	const converged = await until(() => sameState(editors));
	const edits = editors.reduce((n, e) => n + e.sends.length, 0);

	let completion: { completeMs: number; toldMs: number | null; snapshotEqualsDocument: boolean; error?: string } | null = null;
	if (kind === 'tabeeb') {
		const report = server.nextReport('complete');
		server.send('complete');
		const done = await report;
		const t0 = BigInt(String(done.t0));
		const everyoneTold = await until(() => editors.every((e) => e.told.some((m) => m.payload === CHART_COMPLETED_MESSAGE && m.at >= t0)));
		const toldAt = editors.map((e) => e.told.find((m) => m.payload === CHART_COMPLETED_MESSAGE && m.at >= t0)?.at ?? 0n);
		const held = readChart(editors[0].client.doc).snapshot;
		completion = {
			completeMs: round(Number(done.completeMs ?? NaN)),
			toldMs: everyoneTold ? round(Math.max(...toldAt.map((at) => ms(at - t0)))) : null,
			snapshotEqualsDocument: done.contentHash === snapshotHash(held),
			...(done.error ? { error: String(done.error) } : {})
		};
	}
	const notes = Object.fromEntries(NOTE_CATEGORIES.map((c) => [c, editors[0].client.doc.getXmlFragment(c).toString().length]));
	for (const e of editors) e.client.destroy();
	await server.stop();
	samples.sort((a, b) => a - b);
	return { p50: round(percentile(samples, 50)), p99: round(percentile(samples, 99)), samples: samples.length, edits, converged, completion, notes };
}

const bare = await measure('bare');
const tabeeb = await measure('tabeeb');
console.log(
	JSON.stringify({
		bench: 'chart',
		editors: EDITORS,
		seconds: SECONDS,
		tick_ms: TICK_MS,
		database: process.env.DATABASE_URL ? 'postgres' : 'pglite',
		edits: tabeeb.edits,
		samples: tabeeb.samples,
		tabeeb_p50_ms: tabeeb.p50,
		tabeeb_p99_ms: tabeeb.p99,
		bare_p50_ms: bare.p50,
		bare_p99_ms: bare.p99,
		p50_ratio: round(tabeeb.p50 / bare.p50),
		p99_ratio: round(tabeeb.p99 / bare.p99),
		converged: tabeeb.converged && bare.converged,
		complete_ms: tabeeb.completion?.completeMs ?? null,
		complete_to_every_editor_told_ms: tabeeb.completion?.toldMs ?? null,
		snapshot_equals_document: tabeeb.completion?.snapshotEqualsDocument ?? false,
		...(tabeeb.completion?.error ? { complete_error: tabeeb.completion.error } : {})
	})
);
// Wrong results fail the run (the figures never do).
process.exit(tabeeb.converged && bare.converged && tabeeb.completion?.snapshotEqualsDocument ? 0 : 1);
