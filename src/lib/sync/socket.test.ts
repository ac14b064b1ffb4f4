import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import { destroySocket } from './socket';

const servers: (() => Promise<void>)[] = [];
afterEach(async () => {
	for (const stop of servers.splice(0)) await stop();
});

/** A WebSocket server that counts connections and closes each one at once, as the server does a completed chart's. */
async function closingServer() {
	const http = createServer();
	const wss = new WebSocketServer({ server: http });
	let connections = 0;
	wss.on('connection', (ws) => {
		connections++;
		ws.close(1000, 'closed by the server');
	});
	await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
	const port = (http.address() as AddressInfo).port;
	servers.push(async () => {
		wss.close();
		http.closeAllConnections();
		await new Promise((resolve) => http.close(resolve));
	});
	return { url: `ws://127.0.0.1:${port}`, connections: () => connections };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('destroySocket', () => {
	it('leaves a socket the server just closed closed, where destroy() alone lets its reconnect timer open it again', async () => {
		for (const [destroy, expected] of [
			[(s: HocuspocusProviderWebsocket) => s.destroy(), 2],
			[destroySocket, 1]
		] as const) {
			const server = await closingServer();
			let closes = 0;
			const socket = new HocuspocusProviderWebsocket({
				url: server.url,
				WebSocketPolyfill: WebSocket,
				delay: 50,
				minDelay: 50,
				maxAttempts: 1,
				onClose: () => closes++
			});
			while (closes === 0) await sleep(5);
			// Destroyed while its reconnect timer (50 ms) runs.
			destroy(socket);
			await sleep(300);
			expect(server.connections(), destroy === destroySocket ? 'destroySocket' : 'destroy').toBe(expected);
		}
	});
});
