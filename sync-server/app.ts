/**
 * `npm start`: one Node process serving the built SvelteKit app and the sync server (WebSocket
 * upgrade at /sync) on the same HTTP server, plus the background workers.
 */
import { createServer } from 'node:http';
import { env, EnvError } from '../src/lib/server/env';
import { getDatabase } from '../src/lib/server/db';
import { logger } from '../src/lib/server/logger';
import { checkFileStoreAtStart } from '../src/lib/server/storage';
import { baseSecurityHeaders } from '../src/lib/server/securityHeaders';
import { startNotificationDelivery } from '../src/lib/server/notifications';
import { startDataRetention } from '../src/lib/server/platform/retentionJob';
import { createSyncServer } from './index';

type Handler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, next?: () => void) => void;

/**
 * Without ORIGIN, adapter-node takes every request for https, so the form posts of a plain
 * `npm start` (setup, sign-in) would fail its cross-site check as coming from another origin.
 * This server speaks plain HTTP, so it tells the handler so through a header it sets itself on
 * every request (see main), and the origin follows the address the browser used: localhost, or
 * the clinic server's address on the local network. With ORIGIN (behind a proxy) or an operator's
 * own PROTOCOL_HEADER, adapter-node's rules apply unchanged. Returns the header, or null.
 */
function ownProtocolHeader(origin: string | undefined): string | null {
	if (process.env.ORIGIN === '') delete process.env.ORIGIN;
	if (origin || process.env.PROTOCOL_HEADER) return null;
	process.env.PROTOCOL_HEADER = 'x-tabeeb-protocol';
	return 'x-tabeeb-protocol';
}

async function main() {
	// adapter-node reads this when the handler is imported; its 512 KB default refuses 10 MB patient documents.
	process.env.BODY_SIZE_LIMIT ??= '12M';
	const config = env();
	const protocolHeader = ownProtocolHeader(config.ORIGIN);
	const database = await getDatabase();
	await checkFileStoreAtStart();
	const { handler } = (await import(new URL('./handler.js', import.meta.url).href)) as { handler: Handler };
	const sync = await createSyncServer();
	// Delivers the outbox (email, web push); every instance runs one, claims keep them apart.
	const notifications = startNotificationDelivery(database.db, config, logger());
	// Purges what has outlived its retention period, hourly; never a document this process holds open.
	const retention = startDataRetention(database.db, logger(), { isOpen: (name) => sync.hocuspocus.documents.has(name) });
	const server = createServer((req, res) => {
		// Set here, so a client's own header of that name is never believed.
		if (protocolHeader) req.headers[protocolHeader] = 'http';
		// Static files are answered by adapter-node before the app's hooks run: they get the same
		// headers here (what the app answers replaces them with its own, e.g. a page's full policy).
		const path = (req.url ?? '/').split('?')[0];
		for (const [name, value] of Object.entries(baseSecurityHeaders(path, config.secureCookies))) res.setHeader(name, value);
		handler(req, res);
	});
	server.on('upgrade', (request, socket, head) => {
		if (new URL(request.url ?? '/', 'http://localhost').pathname === '/sync') sync.handleUpgrade(request, socket, head);
		else socket.destroy();
	});
	server.once('error', (err: NodeJS.ErrnoException) => {
		const reason = err.code === 'EADDRINUSE' ? `port ${config.PORT} is already in use (set PORT to another one)` : err.message;
		console.error(`Tabeeb cannot start: ${reason}`);
		process.exit(1);
	});
	server.listen(config.PORT, config.HOST, () => {
		const shown = config.ORIGIN ?? `http://localhost:${config.PORT}`;
		logger().info({ port: config.PORT, database: database.driver }, `Tabeeb is running on ${shown}`);
		if (process.stdout.isTTY) console.log(`\n  Tabeeb is running: open ${shown}\n`);
	});
	const shutdown = async (signal: string) => {
		logger().info({ signal }, 'shutting down');
		server.close();
		await notifications.stop();
		await retention.stop();
		await sync.destroy();
		await database.close();
		process.exit(0);
	};
	process.once('SIGINT', () => void shutdown('SIGINT'));
	process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((e) => {
	if (e instanceof EnvError) console.error(e.message);
	else
		console.error(e instanceof Error && e.message.startsWith('Tabeeb') ? e.message : `Tabeeb could not start: ${e instanceof Error ? e.message : String(e)}`);
	process.exit(1);
});
