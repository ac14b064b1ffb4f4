import type { DocumentRef } from '../src/lib/sync/protocol';
import type { DocumentAccess, DocumentFacts, SyncActor } from '../src/lib/server/sync/policy';
import type { SocketState } from './gate';

/** What the extensions know about one document connection, built up by the hooks in order. */
export type SyncContext = {
	socket?: SocketState;
	actor?: SyncActor;
	ref?: DocumentRef;
	facts?: DocumentFacts;
	access?: DocumentAccess;
};

/**
 * Thrown by a hook to refuse: Hocuspocus sends `reason` to the provider (permission denied)
 * or closes that document's connection with `code`. An empty message keeps Hocuspocus from
 * logging a refusal as an error.
 */
export class SyncRefusal extends Error {
	constructor(
		readonly code: number,
		readonly reason: string
	) {
		super('');
	}
}
