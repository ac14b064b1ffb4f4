import type { connectedPayload, Extension, onDisconnectPayload } from '@hocuspocus/server';
import { SyncClose } from '../../src/lib/sync/protocol';
import type { Db } from '../../src/lib/server/db';
import { liveDisplayKeys } from '../../src/lib/server/queue/displayKeys';
import { logger } from '../../src/lib/server/logger';
import type { SyncContext } from '../context';

export type DisplayKeyRevocationOptions = { db: Db; intervalMs?: number };

type Kiosk = { keyId: string; context: SyncContext };

/**
 * A revoked display key stops its screens within seconds: every `intervalMs` the open kiosk
 * connections' keys are checked in one query, and a connection whose key is gone is closed
 * as unauthenticated (a final code: the screen does not retry with it).
 */
export function displayKeyRevocation(options: DisplayKeyRevocationOptions): Extension {
	const open = new Map<string, Kiosk>();
	let timer: NodeJS.Timeout | null = null;
	let checking = false;

	const check = async () => {
		if (checking || open.size === 0) return;
		checking = true;
		try {
			const live = await liveDisplayKeys(options.db, [...new Set([...open.values()].map((k) => k.keyId))]);
			for (const [id, kiosk] of open) {
				if (live.has(kiosk.keyId)) continue;
				open.delete(id);
				logger().info({ keyId: kiosk.keyId }, 'display key revoked: closing kiosk');
				kiosk.context.socket?.close(SyncClose.unauthenticated);
			}
		} catch (err) {
			logger().warn({ err }, 'could not re-check display keys');
		} finally {
			checking = false;
		}
	};

	return {
		extensionName: 'tabeeb-display-key-revocation',
		async onConfigure() {
			timer = setInterval(() => void check(), options.intervalMs ?? 2_000);
			timer.unref();
		},
		async connected({ context, socketId, documentName }: connectedPayload) {
			const ctx: SyncContext = context;
			if (ctx.actor?.kind === 'display' && ctx.actor.keyId) open.set(`${socketId} ${documentName}`, { keyId: ctx.actor.keyId, context: ctx });
		},
		async onDisconnect({ socketId, documentName }: onDisconnectPayload) {
			open.delete(`${socketId} ${documentName}`);
		},
		async onDestroy() {
			if (timer) clearInterval(timer);
		}
	};
}
