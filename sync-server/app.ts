/**
 * `npm start`: one Node process serving the built SvelteKit app and the sync server (WebSocket
 * upgrade at /sync) on the same HTTP server, plus the background workers.
 */
import { createServer } from 'node:http';
import { env, EnvError } from '../src/lib/server/env';
import { createServices, installServices } from '../src/lib/server/services';
import { checkFileStoreAtStart } from '../src/lib/server/storage';
import { baseSecurityHeaders } from '../src/lib/server/securityHeaders';
import { startBackgroundWorkers } from '../src/lib/server/platform/workers';
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
	// The composition root: everything this process holds, built here, reached by the app's
	// routes through the same services (services.ts) and closed in one place on shutdown.
	const services = installServices(createServices(config));
	const database = await services.database();
	await checkFileStoreAtStart();
	const { handler } = (await import(new URL('./handler.js', import.meta.url).href)) as { handler: Handler };
	const sync = await createSyncServer({ database });
	services.onClose(() => sync.destroy());
	await startBackgroundWorkers(services, { isOpen: (name) => sync.hocuspocus.documents.has(name) });
	const server = createServer((req, res) => {
		// Set here, so a client's own header of that name is never believed.
		if (protocolHeader) req.headers[protocolHeader] = 'http';
		// Static files are answered by adapter-node before the app's hooks run: they get the same
		// headers here (what the app answers replaces them with its own, e.g. a page's full policy).
		const path = (req.url ?? '/').split('?')[0];
		for (const [name, value] of Object.entries(baseSecurityHeaders(path, config.secureCookies))) res.setHeader(name, value);
		handler(req, res);
	});
	// Node closes an idle kept-alive connection after 5 s; a client (a proxy, the API's callers)
	// sending on it at that moment gets ECONNRESET. Idle connections are kept longer than the
	// usual proxies' and clients' own 60 s, so they are the ones to close first.
	server.keepAliveTimeout = 65_000;
	server.headersTimeout = 66_000;
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
		services.logger.info({ port: config.PORT, database: database.driver }, `Tabeeb is running on ${shown}`);
		if (process.stdout.isTTY) console.log(`\n  Tabeeb is running: open ${shown}\n`);
	});
	const shutdown = async (signal: string) => {
		services.logger.info({ signal }, 'shutting down');
		server.close();
		// Workers, then the sync connections (storing what they leave behind), Redis, the database.
		await services.close();
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
