import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

/**
 * Decoding of the frames a Hocuspocus provider sends, so the server can refuse anything that
 * is not a well-formed message before Hocuspocus sees it, and read the Yjs update a frame
 * carries (to log it) without applying it.
 */
export type Frame =
	| { documentName: string; type: 'sync'; step: 'step1' | 'step2' | 'update'; payload: Uint8Array }
	| { documentName: string; type: 'awareness'; entries: AwarenessEntry[] }
	| { documentName: string; type: 'auth' | 'queryAwareness' | 'stateless' | 'broadcastStateless' | 'close' };

export type AwarenessEntry = { clientId: number; clock: number; state: unknown };

export class MalformedFrame extends Error {}

const MessageType = { Sync: 0, Awareness: 1, Auth: 2, QueryAwareness: 3, SyncReply: 4, Stateless: 5, BroadcastStateless: 6, Close: 7 };
const syncSteps = ['step1', 'step2', 'update'] as const;

/** An update with no structs and no deletions: what a fresh client sends in its first sync. */
export const isEmptyUpdate = (update: Uint8Array) => update.length <= 2 && update.every((b) => b === 0);

/** Just the document name, for routing; throws MalformedFrame. */
export function frameDocumentName(data: Uint8Array): string {
	try {
		return decoding.readVarString(decoding.createDecoder(data));
	} catch {
		throw new MalformedFrame('no document name');
	}
}

/** The whole frame, validated down to the Yjs update and awareness states; throws MalformedFrame. */
export function decodeFrame(data: Uint8Array): Frame {
	try {
		return readFrame(decoding.createDecoder(data));
	} catch (e) {
		if (e instanceof MalformedFrame) throw e;
		throw new MalformedFrame(e instanceof Error ? e.message : 'undecodable frame');
	}
}

function readFrame(decoder: decoding.Decoder): Frame {
	const documentName = decoding.readVarString(decoder);
	const type = decoding.readVarUint(decoder);
	switch (type) {
		case MessageType.Sync:
		case MessageType.SyncReply: {
			const step = syncSteps[decoding.readVarUint(decoder)];
			if (!step) throw new MalformedFrame('unknown sync step');
			const payload = decoding.readVarUint8Array(decoder);
			// Decoding without applying proves the bytes are a Yjs update (or state vector).
			if (step === 'step1') Y.decodeStateVector(payload);
			else Y.decodeUpdate(payload);
			return { documentName, type: 'sync', step, payload };
		}
		case MessageType.Awareness:
			return { documentName, type: 'awareness', entries: readAwareness(decoding.readVarUint8Array(decoder)) };
		case MessageType.Auth:
			decoding.readVarUint(decoder);
			decoding.readVarString(decoder);
			return { documentName, type: 'auth' };
		case MessageType.QueryAwareness:
			return { documentName, type: 'queryAwareness' };
		case MessageType.Stateless:
			decoding.readVarString(decoder);
			return { documentName, type: 'stateless' };
		case MessageType.BroadcastStateless:
			decoding.readVarString(decoder);
			return { documentName, type: 'broadcastStateless' };
		case MessageType.Close:
			return { documentName, type: 'close' };
		default:
			throw new MalformedFrame(`unknown message type ${type}`);
	}
}

function readAwareness(update: Uint8Array): AwarenessEntry[] {
	const decoder = decoding.createDecoder(update);
	const count = decoding.readVarUint(decoder);
	const entries: AwarenessEntry[] = [];
	for (let i = 0; i < count; i++) {
		const clientId = decoding.readVarUint(decoder);
		const clock = decoding.readVarUint(decoder);
		const state: unknown = JSON.parse(decoding.readVarString(decoder));
		entries.push({ clientId, clock, state });
	}
	return entries;
}

/** The awareness update that carries these entries (what a provider would send for them). */
export function encodeAwareness(entries: AwarenessEntry[]): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, entries.length);
	for (const entry of entries) {
		encoding.writeVarUint(encoder, entry.clientId);
		encoding.writeVarUint(encoder, entry.clock);
		encoding.writeVarString(encoder, JSON.stringify(entry.state));
	}
	return encoding.toUint8Array(encoder);
}
