import { services } from '../src/lib/server/services';
import { startBackgroundWorkers } from '../src/lib/server/platform/workers';

/**
 * The background workers `npm start` runs (sync-server/app.ts), for `npm run dev`: on the dev
 * server's services, which Vite's SSR loader shares with the routes (services.ts).
 */
export async function startDevWorkers(): Promise<{ stop(): Promise<void> }> {
	await startBackgroundWorkers(services());
	return { stop: () => services().close() };
}
