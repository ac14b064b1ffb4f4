import type { Plugin, ViteDevServer } from 'vite';

type SyncModule = typeof import('./index');

/**
 * Hosts the sync server on the Vite dev server at /sync, and the outbox worker, so `npm run dev`
 * is live like `npm start`. The server is loaded through Vite's SSR loader, so it shares modules (and the
 * process database) with the app's routes, and only when the dev server really listens
 * (never during builds or vitest).
 */
export function syncDevPlugin(): Plugin {
	return {
		name: 'tabeeb-sync-dev',
		apply: 'serve',
		configureServer(server: ViteDevServer) {
			const http = server.httpServer;
			if (!http) return;
			let sync: ReturnType<SyncModule['createSyncServer']> | null = null;
			const start = () => {
				sync ??= server.ssrLoadModule('/sync-server/index.ts').then((mod) => {
					const create: SyncModule['createSyncServer'] = mod.createSyncServer;
					return create();
				});
				return sync;
			};
			http.on('upgrade', (request, socket, head) => {
				if (new URL(request.url ?? '/', 'http://localhost').pathname !== '/sync') return;
				start().then(
					(s) => s.handleUpgrade(request, socket, head),
					(err) => {
						server.config.logger.error(`Tabeeb sync server could not start: ${err instanceof Error ? err.message : String(err)}`);
						socket.destroy();
					}
				);
			});
			// The outbox worker too, once the dev server really listens (never in builds or vitest).
			let workers: Promise<{ stop(): Promise<void> }> | null = null;
			http.once('listening', () => {
				workers = server.ssrLoadModule('/sync-server/devWorkers.ts').then((mod) => mod.startDevWorkers());
				workers.catch((err) => server.config.logger.error(`Tabeeb workers could not start: ${err instanceof Error ? err.message : String(err)}`));
			});
			// The sync connections first (they store what they leave behind), then the process's
			// services (workers, Redis, the database).
			http.once('close', () => {
				void Promise.resolve(sync?.then((s) => s.destroy()))
					.catch(() => undefined)
					.then(() => workers?.then((w) => w.stop()));
			});
		}
	};
}
