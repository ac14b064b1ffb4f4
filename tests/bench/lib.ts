import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import WebSocket from 'ws';
import { destroySocket } from '../../src/lib/sync/socket';
import * as Y from 'yjs';

/** A benchmark server in its own process, driven over stdin, reporting over stdout JSON lines. */
/**
 * `nextT0(tag)` waits for the t0 of the change sent with that tag (changes may finish out of
 * order); `nextReport(tag)` for the whole line that carried it (a command's own figures).
 */
export type BenchServer<R> = {
	child: ChildProcess;
	ready: R;
	send(line: string): void;
	nextT0(tag: string): Promise<bigint>;
	nextReport(tag: string): Promise<Record<string, unknown>>;
	stop(): Promise<void>;
};

export function spawnServer<R>(file: string, env: Record<string, string> = {}): Promise<BenchServer<R>> {
	const child = spawn(process.execPath, ['--import', 'tsx', file], {
		env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'error', ...env },
		stdio: ['pipe', 'pipe', 'inherit']
	});
	const waiting = new Map<string, ((report: Record<string, unknown>) => void)[]>();
	const nextReport = (tag: string) => new Promise<Record<string, unknown>>((r) => waiting.set(tag, [...(waiting.get(tag) ?? []), r]));
	return new Promise((resolve, reject) => {
		child.once('exit', (code) => reject(new Error(`${file} exited (${code})`)));
		createInterface({ input: child.stdout! }).on('line', (line) => {
			if (!line.startsWith('{')) return;
			const message = JSON.parse(line);
			if (message.ready) {
				resolve({
					child,
					ready: message,
					send: (l) => child.stdin!.write(`${l}\n`),
					nextT0: (tag) => nextReport(tag).then((report) => BigInt(String(report.t0))),
					nextReport,
					stop: () =>
						new Promise((r) => {
							child.removeAllListeners('exit');
							child.once('exit', () => r());
							child.kill('SIGKILL');
						})
				});
			} else if (message.t0) waiting.get(String(message.tag))?.shift()?.(message);
		});
	});
}

export type BenchClient = { provider: HocuspocusProvider; socket: HocuspocusProviderWebsocket; doc: Y.Doc; destroy(): void };

export function benchClient(url: string, name: string, token: string): Promise<BenchClient> {
	const doc = new Y.Doc();
	const socket = new HocuspocusProviderWebsocket({ url, WebSocketPolyfill: WebSocket, maxAttempts: 1 });
	const provider = new HocuspocusProvider({ websocketProvider: socket, name, document: doc, token });
	provider.attach();
	return new Promise((resolve, reject) => {
		provider.on('synced', () => resolve({ provider, socket, doc, destroy: () => (provider.destroy(), destroySocket(socket)) }));
		provider.on('authenticationFailed', ({ reason }: { reason: string }) => reject(new Error(reason)));
	});
}

/** Opens clients a batch at a time, so the server is not flooded by thousands of handshakes at once. */
export async function connectMany(count: number, open: (i: number) => Promise<BenchClient>, batch = 100): Promise<BenchClient[]> {
	const clients: BenchClient[] = [];
	for (let i = 0; i < count; i += batch) {
		clients.push(...(await Promise.all(Array.from({ length: Math.min(batch, count - i) }, (_, j) => open(i + j)))));
	}
	return clients;
}

export function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const ms = (ns: bigint) => Number(ns) / 1e6;
export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Resident memory of a process in MB, from /proc (Linux). */
export function rssMb(pid: number): number {
	const line = readFileSync(`/proc/${pid}/status`, 'utf8')
		.split('\n')
		.find((l) => l.startsWith('VmRSS:'));
	return line ? round(Number(line.replace(/\D+/g, '')) / 1024, 1) : NaN;
}

/** CPU time (user + system) a process has used, in seconds, from /proc (Linux; clock ticks of 1/100 s). */
export function cpuSeconds(pid: number): number {
	const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
	return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The monotonic time (ns) at which the client's document next changes. */
export function nextUpdateAt(client: BenchClient): Promise<bigint> {
	return new Promise((resolve) => {
		const onUpdate = () => {
			client.doc.off('update', onUpdate);
			resolve(process.hrtime.bigint());
		};
		client.doc.on('update', onUpdate);
	});
}

/**
 * One change, timed at every client: resolves with each client's delay from the server's t0
 * to the moment its document changed.
 */
export async function timeFanOut(clients: BenchClient[], server: BenchServer<unknown>, tag: string, trigger: () => void): Promise<number[]> {
	const arrivals = clients.map(nextUpdateAt);
	const t0 = server.nextT0(tag);
	trigger();
	const start = await t0;
	return (await Promise.all(arrivals)).map((t) => ms(t - start));
}
