import type { beforeHandleMessagePayload, Extension } from '@hocuspocus/server';
import { z } from 'zod';
import { PRESENCE_FIELD, SyncClose } from '../../src/lib/sync/protocol';
import { SyncRefusal, type SyncContext } from '../context';
import { decodedFrame } from '../gate';

const presenceUser = z.object({ id: z.string(), name: z.string().max(120), color: z.string().max(32) });

/**
 * Awareness is how people see each other; the server makes sure nobody shows up as someone
 * else: the presence a connection publishes must carry its own signed-in user, and kiosks
 * publish none.
 */
export function presence(): Extension {
	return {
		extensionName: 'tabeeb-presence',
		async beforeHandleMessage({ update, context }: beforeHandleMessagePayload) {
			const frame = decodedFrame(update);
			if (frame.type !== 'awareness') return;
			const ctx: SyncContext = context;
			for (const entry of frame.entries) {
				if (entry.state === null || typeof entry.state !== 'object') continue;
				const claimed = Reflect.get(entry.state, PRESENCE_FIELD);
				if (claimed === undefined) continue;
				const user = presenceUser.safeParse(claimed);
				const ok = user.success && ctx.actor?.kind === 'user' && user.data.id === ctx.actor.userId;
				if (!ok) throw new SyncRefusal(SyncClose.forbidden.code, SyncClose.forbidden.reason);
			}
		}
	};
}
