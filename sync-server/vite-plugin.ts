import type { Plugin } from 'vite';

/** Hosts the sync server on the Vite dev server at /sync (filled in by the sync engine). */
export function syncDevPlugin(): Plugin {
	return { name: 'tabeeb-sync-dev' };
}
