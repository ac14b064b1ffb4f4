/** Standalone sync instance, for deployments that run sync apart from the web app. */
import { createServer } from 'node:http';
import { env } from '../src/lib/server/env';
import { getDatabase } from '../src/lib/server/db';
import { logger } from '../src/lib/server/logger';
import { createSyncServer } from './index';
import { SYNC_PATH } from '../src/lib/sync/protocol';

const config = env();
await getDatabase();
const sync = await createSyncServer();
const server = createServer((_req, res) => {
	res.writeHead(404).end();
});
server.on('upgrade', (request, socket, head) => {
	if (new URL(request.url ?? '/', 'http://localhost').pathname === SYNC_PATH) sync.handleUpgrade(request, socket, head);
	else socket.destroy();
});
server.listen(config.PORT, config.HOST, () => logger().info({ port: config.PORT }, 'Tabeeb sync instance listening'));

const shutdown = async (signal: string) => {
	logger().info({ signal }, 'sync instance shutting down');
	server.close();
	// Closes every connection, compacts what they leave behind and drains the update log.
	await sync.destroy();
	await (await getDatabase()).close();
	process.exit(0);
};
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
