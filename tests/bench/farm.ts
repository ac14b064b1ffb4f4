import { fork, type ChildProcess } from 'node:child_process';
import type { BenchServer } from './lib';
import { ms } from './lib';
import type { ClientSpec, FarmReply, FarmRequest } from './clients';

/** Clients spread over `processes` device-farm processes (clients.ts), in the order given. */
export type Farm = { size: number; timeFanOut(server: BenchServer<unknown>, tag: string, trigger: () => void): Promise<number[]>; close(): Promise<void> };

type Member = { child: ChildProcess; size: number; next(type: FarmReply['type']): Promise<FarmReply> };

function member(size: number): Member {
	const child = fork(new URL('./clients.ts', import.meta.url), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
	const waiting: { type: FarmReply['type']; resolve: (r: FarmReply) => void; reject: (e: Error) => void }[] = [];
	child.on('message', (reply: FarmReply) => {
		if (reply.type === 'error') return waiting.shift()?.reject(new Error(reply.message));
		const index = waiting.findIndex((w) => w.type === reply.type);
		if (index >= 0) waiting.splice(index, 1)[0].resolve(reply);
	});
	return { child, size, next: (type) => new Promise((resolve, reject) => waiting.push({ type, resolve, reject })) };
}

const send = (m: Member, request: FarmRequest) => m.child.send(request);

export async function openFarm(specs: ClientSpec[], processes = 2): Promise<Farm> {
	const per = Math.ceil(specs.length / processes);
	const members = Array.from({ length: processes }, (_, i) => member(specs.slice(i * per, (i + 1) * per).length)).filter((m) => m.size > 0);
	await Promise.all(
		members.map((m, i) => {
			const opened = m.next('opened');
			send(m, { type: 'open', specs: specs.slice(i * per, (i + 1) * per) });
			return opened;
		})
	);
	let round = 0;
	return {
		size: specs.length,
		async timeFanOut(server, tag, trigger) {
			round += 1;
			const armed = members.map((m) => m.next('armed'));
			const arrivals = members.map((m) => m.next('arrivals'));
			for (const m of members) send(m, { type: 'arm', round });
			await Promise.all(armed);
			const t0 = server.nextT0(tag);
			trigger();
			const start = await t0;
			const replies = await Promise.all(arrivals);
			return replies.flatMap((r) => (r.type === 'arrivals' ? r.at.map((t) => ms(BigInt(t) - start)) : []));
		},
		async close() {
			await Promise.all(
				members.map(
					(m) =>
						new Promise<void>((resolve) => {
							m.child.once('exit', () => resolve());
							send(m, { type: 'close' });
						})
				)
			);
		}
	};
}
