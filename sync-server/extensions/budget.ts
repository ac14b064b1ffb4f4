import type {
	afterLoadDocumentPayload,
	afterUnloadDocumentPayload,
	beforeHandleMessagePayload,
	beforeSyncPayload,
	Extension,
	onChangePayload,
	onDisconnectPayload
} from '@hocuspocus/server';
import * as Y from 'yjs';
import { documentKindOf, parseDocumentName, SyncClose, type DocumentRef } from '../../src/lib/sync/protocol';
import type { Db } from '../../src/lib/server/db';
import type { SyncActor } from '../../src/lib/server/sync/policy';
import { collaborativeDocumentExists } from '../../src/lib/server/sync/persistence';
import { isWithinDayWindow } from '../../src/lib/server/sync/dayWindow';
import { findClinicTimeZone } from '../../src/lib/server/tenancy/queries';
import { clinicToday } from '../../src/lib/time';
import { logger } from '../../src/lib/server/logger';
import { SyncRefusal, type SyncContext } from '../context';
import { isEmptyUpdate } from '../frames';
import { decodedFrame, type CloseEvent, type SharedBudget, type SocketState, type SyncLimits } from '../gate';

export type BudgetOptions = {
	db: Db;
	limits: Pick<SyncLimits, 'maxDocumentsPerPerson' | 'maxDocumentBytes' | 'collaborativeDays'>;
	/** The current time; replaceable so a test can move "today". */
	now?: () => Date;
};

/** y-protocols sync message types that carry an update a writer wants applied. */
const SYNC_STEP2 = 1;
const SYNC_UPDATE = 2;

/**
 * What a collaborative document weighs, as an upper bound of its encoded state without encoding
 * it on every keystroke: its size when last measured, plus every change applied since, plus
 * the updates admitted but not yet applied (they wait for the update log). It is measured again
 * only when the bound would pass the cap. An update admitted here and then refused by a later
 * hook (its log append failed) stays reserved until the document unloads: the bound errs high.
 */
type Weight = { measured: number; grown: number; reserved: number };

/**
 * The live connection's budget: what one person and one document may cost the server.
 * - A person (or a kiosk's display key) holds at most `maxDocumentsPerPerson` distinct documents
 *   open across all their connections; one more is refused with `tooManyDocuments`.
 * - A collaborative per-day document is created only for days in a window around the clinic's
 *   today; outside it, a day that has no document is refused as `unknownDocument`.
 * - A collaborative document grows to at most `maxDocumentBytes`: an update that would pass it is
 *   dropped before the log or the document sees it, and the writer's connection is closed with
 *   `documentFull` (a final code: the writer's client does not resend it in a loop).
 * Runs first, so nothing later (the update log, presence) handles a message it refuses, nor any
 * message that arrives on a connection it already ended.
 */
export class Budget implements Extension, SharedBudget {
	extensionName = 'tabeeb-budget';
	/** person → document → the connections holding it. */
	private readonly holdings = new Map<string, Map<string, Set<SocketState>>>();
	private readonly heldBy = new Map<SocketState, { person: string; names: Set<string> }>();
	private readonly weights = new Map<string, Weight>();

	constructor(private readonly options: BudgetOptions) {}

	async admit(socket: SocketState, documentName: string, actor: SyncActor, ref: DocumentRef): Promise<CloseEvent | null> {
		if (!(await this.mayCreate(documentName, ref))) return SyncClose.unknownDocument;
		// The connection may have ended while the window was checked; it would never release a hold.
		if (socket.closed) return SyncClose.serverError;
		const person = personOf(actor);
		const held = this.holdings.get(person) ?? new Map<string, Set<SocketState>>();
		const sockets = held.get(documentName);
		if (!sockets && held.size >= this.options.limits.maxDocumentsPerPerson) {
			logger().warn({ document: documentName, held: held.size }, 'sync document refused: the person holds too many documents');
			return SyncClose.tooManyDocuments;
		}
		held.set(documentName, (sockets ?? new Set()).add(socket));
		this.holdings.set(person, held);
		const mine = this.heldBy.get(socket) ?? { person, names: new Set<string>() };
		mine.names.add(documentName);
		this.heldBy.set(socket, mine);
		return null;
	}

	releaseAll(socket: SocketState): void {
		const mine = this.heldBy.get(socket);
		if (!mine) return;
		for (const name of mine.names) this.release(socket, name);
	}

	/** Distinct documents the person holds open now (for tests and logs). */
	heldCount(actor: SyncActor): number {
		return this.holdings.get(personOf(actor))?.size ?? 0;
	}

	async onDisconnect({ context, documentName }: onDisconnectPayload) {
		const ctx: SyncContext = context;
		if (ctx.socket) this.release(ctx.socket, documentName);
	}

	async afterLoadDocument({ documentName, document }: afterLoadDocumentPayload) {
		if (isCollaborative(documentName)) this.weights.set(documentName, { measured: Y.encodeStateAsUpdate(document).length, grown: 0, reserved: 0 });
	}

	async afterUnloadDocument({ documentName }: afterUnloadDocumentPayload) {
		this.weights.delete(documentName);
	}

	async onChange({ documentName, update }: onChangePayload) {
		const weight = this.weights.get(documentName);
		if (weight) weight.grown += update.length;
	}

	/** Hocuspocus calls this as it applies a sync message: a reserved update is now part of the document. */
	async beforeSync({ documentName, connection, type, payload }: beforeSyncPayload) {
		const weight = this.weights.get(documentName);
		if (!weight || connection.readOnly || (type !== SYNC_STEP2 && type !== SYNC_UPDATE) || isEmptyUpdate(payload)) return;
		weight.reserved = Math.max(0, weight.reserved - payload.length);
	}

	async beforeHandleMessage({ documentName, update, connection, document, context }: beforeHandleMessagePayload) {
		const ctx: SyncContext = context;
		const frame = decodedFrame(update);
		if (frame.type !== 'sync') return;
		// Sync frames already read from a connection that was then closed (a refusal, a cut-off) go
		// no further: neither into the log nor into a full-state reply nobody will read.
		if (ctx.socket?.closed) throw new SyncRefusal(SyncClose.serverError.code, SyncClose.serverError.reason);
		if (connection.readOnly || !isCollaborative(documentName) || frame.step === 'step1' || isEmptyUpdate(frame.payload)) return;
		const weight = this.weights.get(documentName) ?? { measured: Y.encodeStateAsUpdate(document).length, grown: 0, reserved: 0 };
		this.weights.set(documentName, weight);
		const cap = this.options.limits.maxDocumentBytes;
		const incoming = frame.payload.length;
		if (weight.measured + weight.grown + weight.reserved + incoming > cap) {
			weight.measured = Y.encodeStateAsUpdate(document).length;
			weight.grown = 0;
		}
		if (weight.measured + weight.reserved + incoming > cap) {
			logger().warn({ document: documentName, bytes: weight.measured, update: incoming, cap }, 'sync update refused: the document is full');
			ctx.socket?.close(SyncClose.documentFull);
			throw new SyncRefusal(SyncClose.documentFull.code, SyncClose.documentFull.reason);
		}
		weight.reserved += incoming;
	}

	private release(socket: SocketState, documentName: string) {
		const mine = this.heldBy.get(socket);
		if (!mine?.names.delete(documentName)) return;
		if (mine.names.size === 0) this.heldBy.delete(socket);
		const held = this.holdings.get(mine.person);
		const sockets = held?.get(documentName);
		sockets?.delete(socket);
		if (sockets?.size === 0) held?.delete(documentName);
		if (held?.size === 0) this.holdings.delete(mine.person);
	}

	/** A per-day collaborative document outside the window opens only if it already exists. */
	private async mayCreate(documentName: string, ref: DocumentRef): Promise<boolean> {
		if (!('day' in ref) || documentKindOf(ref) !== 'collaborative') return true;
		const timeZone = await findClinicTimeZone(this.options.db, ref.clinicId);
		if (!timeZone) return false;
		const today = clinicToday(timeZone, this.options.now?.() ?? new Date());
		if (isWithinDayWindow(ref.day, today, this.options.limits.collaborativeDays)) return true;
		return collaborativeDocumentExists(this.options.db, documentName);
	}
}

function isCollaborative(name: string): boolean {
	const ref = parseDocumentName(name);
	return ref !== null && documentKindOf(ref) === 'collaborative';
}

/** Whose budget a connection draws on: a person, or a kiosk's display key (its clinic when the key has no id). */
function personOf(actor: SyncActor): string {
	return actor.kind === 'user' ? `user:${actor.userId}` : `display:${actor.keyId ?? actor.clinicId}`;
}
