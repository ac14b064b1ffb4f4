/**
 * A device farm in its own process: opens the clients it is told to (over IPC), and on `arm`
 * reports, for each of its clients, the monotonic time its document next changed. Benchmarks
 * run their clients in a few of these, apart from both the server and the orchestrating
 * process, so decoding 150 updates is spread like it is on real screens and never counted as
 * server time. `process.hrtime` is CLOCK_MONOTONIC, the same clock in every process.
 */
import { benchClient, nextUpdateAt, type BenchClient } from './lib';

export type ClientSpec = { url: string; name: string; token: string };
export type FarmRequest = { type: 'open'; specs: ClientSpec[] } | { type: 'arm'; round: number } | { type: 'close' };
export type FarmReply =
	{ type: 'opened'; count: number } | { type: 'armed'; round: number } | { type: 'arrivals'; round: number; at: string[] } | { type: 'error'; message: string };

const send = (reply: FarmReply) => process.send?.(reply);
let clients: BenchClient[] = [];

process.on('message', (request: FarmRequest) => void answer(request));

async function answer(request: FarmRequest) {
	try {
		if (request.type === 'open') {
			for (let i = 0; i < request.specs.length; i += 50) {
				const batch = request.specs.slice(i, i + 50);
				clients.push(...(await Promise.all(batch.map((s) => benchClient(s.url, s.name, s.token)))));
			}
			send({ type: 'opened', count: clients.length });
		} else if (request.type === 'arm') {
			const arrivals = clients.map(nextUpdateAt);
			send({ type: 'armed', round: request.round });
			const at = await Promise.all(arrivals);
			send({ type: 'arrivals', round: request.round, at: at.map(String) });
		} else if (request.type === 'close') {
			for (const c of clients) c.destroy();
			clients = [];
			process.exit(0);
		}
	} catch (err) {
		send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
	}
}
