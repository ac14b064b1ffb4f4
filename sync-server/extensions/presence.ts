import type { beforeHandleMessagePayload, Extension } from '@hocuspocus/server';
import { z } from 'zod';
import { PRESENCE_FIELD, SyncClose } from '../../src/lib/sync/protocol';
import { SyncRefusal, type SyncContext } from '../context';
import { decodedFrame } from '../gate';
import { encodeAwareness, type AwarenessEntry } from '../frames';

const presenceUser = z.object({ id: z.string(), name: z.string().max(120), color: z.string().max(32) });

type Awareness = beforeHandleMessagePayload['document']['awareness'];

/**
 * Awareness is how people see each other; the server makes sure nobody shows up as someone
 * else. A connection owns the awareness client ids it introduces, and the presence it
 * publishes for them must carry its own signed-in user (kiosks publish none), under the name
 * the server knows for that user: a different name is replaced before anyone sees it. Providers
 * also echo other people's states back; an echo is allowed only when Yjs would ignore it (not
 * newer than what the server holds), so it can neither forge nor remove someone else's presence.
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
			const renamed: AwarenessEntry[] = [];
			for (const entry of frame.entries) {
				const own = mine.has(entry.clientId) || !document.awareness.meta.has(entry.clientId);
				const allowed = own ? ownEntry(entry, ctx, mine) : harmlessEcho(entry, document.awareness);
				if (!allowed) throw new SyncRefusal(SyncClose.forbidden.code, SyncClose.forbidden.reason);
				const corrected = own ? withKnownName(entry, ctx) : null;
				if (corrected) renamed.push(corrected);
			}
			// Applied first with the same clocks, the corrected states win: Yjs then ignores the
			// client's own version of them when Hocuspocus applies the frame.
			if (renamed.length > 0) document.applyAwarenessUpdate(connection, encodeAwareness(renamed));
		}
	};
}

function claimedUser(entry: AwarenessEntry): unknown {
	if (entry.state === null || typeof entry.state !== 'object') return undefined;
	return Reflect.get(entry.state, PRESENCE_FIELD);
}

function ownEntry(entry: AwarenessEntry, ctx: SyncContext, mine: Set<number>): boolean {
	mine.add(entry.clientId);
	const claimed = claimedUser(entry);
	if (claimed === undefined) return true;
	const user = presenceUser.safeParse(claimed);
	return user.success && ctx.actor?.kind === 'user' && user.data.id === ctx.actor.userId;
}

/** The entry with the signed-in user's name from the session, or null when it already carries it. */
function withKnownName(entry: AwarenessEntry, ctx: SyncContext): AwarenessEntry | null {
	const user = presenceUser.safeParse(claimedUser(entry));
	if (!user.success || ctx.actor?.kind !== 'user' || user.data.name === ctx.actor.name) return null;
	if (entry.state === null || typeof entry.state !== 'object') return null;
	return { ...entry, state: { ...entry.state, [PRESENCE_FIELD]: { ...user.data, name: ctx.actor.name } } };
}

function harmlessEcho(entry: AwarenessEntry, awareness: Awareness): boolean {
	const current = awareness.meta.get(entry.clientId)?.clock ?? 0;
	if (entry.clock > current) return false;
	return !(entry.clock === current && entry.state === null && awareness.states.has(entry.clientId));
}
