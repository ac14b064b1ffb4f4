import type { beforeHandleMessagePayload, Extension } from '@hocuspocus/server';
import { z } from 'zod';
import { PRESENCE_FIELD, SyncClose } from '../../src/lib/sync/protocol';
import { SyncRefusal, type SyncContext } from '../context';
import { decodedFrame } from '../gate';
import type { AwarenessEntry } from '../frames';

const presenceUser = z.object({ id: z.string(), name: z.string().max(120), color: z.string().max(32) });

type Awareness = beforeHandleMessagePayload['document']['awareness'];

/**
 * Awareness is how people see each other; the server makes sure nobody shows up as someone
 * else. A connection owns the awareness client ids it introduces, and the presence it
 * publishes for them must carry its own signed-in user (kiosks publish none). Providers also
 * echo other people's states back; an echo is allowed only when Yjs would ignore it (not newer
 * than what the server holds), so it can neither forge nor remove someone else's presence.
 */
export function presence(): Extension {
	const owned = new WeakMap<object, Set<number>>();
	return {
		extensionName: 'tabeeb-presence',
		async beforeHandleMessage({ update, context, connection, document }: beforeHandleMessagePayload) {
			const frame = decodedFrame(update);
			if (frame.type !== 'awareness') return;
			const ctx: SyncContext = context;
			const mine = owned.get(connection) ?? new Set<number>();
			owned.set(connection, mine);
			for (const entry of frame.entries) {
				const allowed = mine.has(entry.clientId) || !document.awareness.meta.has(entry.clientId) ? ownEntry(entry, ctx, mine) : harmlessEcho(entry, document.awareness);
				if (!allowed) throw new SyncRefusal(SyncClose.forbidden.code, SyncClose.forbidden.reason);
			}
		}
	};
}

function ownEntry(entry: AwarenessEntry, ctx: SyncContext, mine: Set<number>): boolean {
	mine.add(entry.clientId);
	if (entry.state === null || typeof entry.state !== 'object') return true;
	const claimed: unknown = Reflect.get(entry.state, PRESENCE_FIELD);
	if (claimed === undefined) return true;
	const user = presenceUser.safeParse(claimed);
	return user.success && ctx.actor?.kind === 'user' && user.data.id === ctx.actor.userId;
}

function harmlessEcho(entry: AwarenessEntry, awareness: Awareness): boolean {
	const current = awareness.meta.get(entry.clientId)?.clock ?? 0;
	if (entry.clock > current) return false;
	return !(entry.clock === current && entry.state === null && awareness.states.has(entry.clientId));
}
