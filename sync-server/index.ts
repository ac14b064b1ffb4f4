import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

export type SyncServer = {
	handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
	destroy(): Promise<void>;
};

/** Placeholder until the sync engine lands: refuses every upgrade. */
export async function createSyncServer(): Promise<SyncServer> {
	return {
		handleUpgrade: (_request, socket) => socket.destroy(),
		destroy: async () => {}
	};
}
