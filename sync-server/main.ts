/** Standalone sync instance, for deployments that run sync apart from the web app. */
import { createServer } from 'node:http';
import { env } from '../src/lib/server/env';
import { createServices, installServices } from '../src/lib/server/services';
import { createSyncServer } from './index';
import { SYNC_PATH } from '../src/lib/sync/protocol';

const config = env();
// Built from the same composition root as the app's entry (app.ts), without the workers.
const services = installServices(createServices(config));
const sync = await createSyncServer({ database: await services.database() });
// Closes every connection, compacts what they leave behind and drains the update log.
services.onClose(() => sync.destroy());
const server = createServer((_req, res) => {
	res.writeHead(404).end();
});
server.on('upgrade', (request, socket, head) => {
	if (new URL(request.url ?? '/', 'http://localhost').pathname === SYNC_PATH) sync.handleUpgrade(request, socket, head);
	else socket.destroy();
});
server.listen(config.PORT, config.HOST, () => services.logger.info({ port: config.PORT }, 'Tabeeb sync instance listening'));

const shutdown = async (signal: string) => {
	services.logger.info({ signal }, 'sync instance shutting down');
	server.close();
	await services.close();
	process.exit(0);
};
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
