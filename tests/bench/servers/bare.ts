/**
 * A bare Hocuspocus server of the same version, no extensions, as the baseline. On stdin
 * `change <name>` it writes one map entry through a direct connection and prints the time.
 */
import { Server } from '@hocuspocus/server';
import { createInterface } from 'node:readline';

const server = new Server({ port: 0, address: '127.0.0.1', quiet: true, stopOnSignals: false });
await server.listen();
console.log(JSON.stringify({ ready: true, port: server.address.port }));
let tick = 0;
createInterface({ input: process.stdin }).on('line', (line) => void command(line));

async function command(line: string) {
	const [command, name] = line.split(' ');
	if (command !== 'change') return;
	const connection = await server.hocuspocus.openDirectConnection(name);
	const t0 = process.hrtime.bigint();
	await connection.transact((doc) => doc.getMap('projection').set('tick', ++tick));
	console.log(JSON.stringify({ t0: String(t0), tag: name }));
	await connection.disconnect();
}
