import WebSocket from 'ws';
import { parseDocumentName, SyncClose, type DocumentRef } from '../src/lib/sync/protocol';
import type { SyncActor } from '../src/lib/server/sync/policy';
import { logger } from '../src/lib/server/logger';
import { decodeFrame, MalformedFrame, type Frame } from './frames';

export type SyncLimits = {
	/** Largest frame accepted; larger ones close the connection with 1009. */
	maxMessageBytes: number;
	/** Sustained messages per second per connection, and the burst allowed above it. */
	messagesPerSecond: number;
	messageBurst: number;
	/** A connection that has not authenticated any document by then is closed. */
	authenticationTimeoutMs: number;
	/** Distinct documents one connection may open. */
	maxDocumentsPerConnection: number;
	/**
	 * Bytes one connection may send, over its life, for documents it has not been admitted to.
	 * Hocuspocus holds them until the document's authentication ends, and those of a refused
	 * document for as long as the connection lasts; a provider sends a few small ones (its first
	 * sync step, presence) before the answer arrives.
	 */
	maxBytesBeforeAdmission: number;
	/**
	 * Distinct documents one person (or one kiosk display key) may hold open at once, across all
	 * their connections: several tabs showing the same page share their documents, so this
	 * counts documents, not tabs.
	 */
	maxDocumentsPerPerson: number;
	/**
	 * Largest encoded state of a collaborative document (a visit's chart, the desk's notes). An
	 * update that would grow it further is refused and the writer closed with `documentFull`.
	 * 2 MiB holds a long visit chart edited by five people many times over.
	 */
	maxDocumentBytes: number;
	/**
	 * Bytes queued for one client that is not reading them (ws `bufferedAmount`). Past this the
	 * connection is cut off at once: a close frame would only queue behind the unread bytes.
	 * The check comes before each message, so one message of any size still goes out to a
	 * client that is keeping up (a large document's first sync).
	 */
	maxBufferedBytes: number;
	/**
	 * The days, around today in the clinic's time zone, for which a collaborative per-day document
	 * (the desk's notes) may be created. Outside them only an existing one opens; per-day
	 * projections (a future day's calendar) are not limited.
	 */
	collaborativeDays: { back: number; ahead: number };
};

export const defaultLimits: SyncLimits = {
	maxMessageBytes: 2 * 1024 * 1024,
	messagesPerSecond: 60,
	messageBurst: 240,
	authenticationTimeoutMs: 10_000,
	maxDocumentsPerConnection: 20,
	maxBytesBeforeAdmission: 4 * 1024 * 1024,
	maxDocumentsPerPerson: 50,
	maxDocumentBytes: 2 * 1024 * 1024,
	maxBufferedBytes: 8 * 1024 * 1024,
	collaborativeDays: { back: 7, ahead: 60 }
};

export type CloseEvent = { code: number; reason: string };

/** The limits that span connections (extensions/budget.ts): a person's documents and the day window. */
export interface SharedBudget {
	/** Null admits the document for this connection; otherwise the refusal to close with. */
	admit(socket: SocketState, documentName: string, actor: SyncActor, ref: DocumentRef): Promise<CloseEvent | null>;
	/** The connection has ended: everything it held is released. */
	releaseAll(socket: SocketState): void;
}

type SendData = Parameters<WebSocket['send']>[0];
type SendOptions = Parameters<WebSocket['send']>[1];
type SendCallback = (err?: Error) => void;

/**
 * A ws socket whose incoming messages pass a gate before anyone (Hocuspocus) hears them: a
 * frame the gate refuses is never delivered, and the gate closes the connection instead.
 */
export class GatedSocket extends WebSocket {
	gate: ((data: unknown, isBinary: unknown) => boolean) | null = null;
	/** Asked before every outgoing message; false drops it (the connection is being cut off). */
	outbox: (() => boolean) | null = null;

	override emit(event: string | symbol, ...args: unknown[]): boolean {
		if (event === 'message' && this.gate && !this.gate(args[0], args[1])) return false;
		return super.emit(event, ...args);
	}

	override send(data: SendData, cb?: SendCallback): void;
	override send(data: SendData, options: SendOptions, cb?: SendCallback): void;
	override send(data: SendData, optionsOrCb?: SendOptions | SendCallback, cb?: SendCallback): void {
		const callback = typeof optionsOrCb === 'function' ? optionsOrCb : cb;
		if (this.outbox && !this.outbox()) {
			// Later, as ws reports a send on a closed socket: the caller may be iterating its connections.
			if (callback) process.nextTick(callback, new Error('connection cut off: too many unread bytes'));
			return;
		}
		if (typeof optionsOrCb === 'object') super.send(data, optionsOrCb, cb);
		else super.send(data, callback);
	}
}

/** Decoded frames, keyed by the very buffer Hocuspocus later hands to beforeHandleMessage. */
const decoded = new WeakMap<object, Frame>();

export function decodedFrame(data: Uint8Array): Frame {
	return decoded.get(data) ?? decodeFrame(data);
}

/**
 * Per-connection state and limits: rate (token bucket; decided synchronously per frame, which
 * an async limiter cannot do), frame validity, documents per connection, bytes queued for the
 * client, the authentication deadline, and the identity once established.
 */
export class SocketState {
	private tokens: number;
	private refilledAt = performance.now();
	private readonly documents = new Set<string>();
	private readonly authenticated = new Set<string>();
	private bytesBeforeAdmission = 0;
	private readonly deadline: NodeJS.Timeout;
	private identity: { token: string; actor: Promise<SyncActor | null> } | null = null;
	closed = false;

	constructor(
		readonly ws: WebSocket,
		private readonly limits: SyncLimits,
		private readonly budget: SharedBudget
	) {
		this.tokens = limits.messageBurst;
		this.deadline = setTimeout(() => {
			if (this.authenticated.size === 0) this.close(SyncClose.authenticationTimeout);
		}, limits.authenticationTimeoutMs);
		ws.once('close', () => {
			this.closed = true;
			clearTimeout(this.deadline);
			budget.releaseAll(this);
		});
	}

	/**
	 * Asked before each outgoing message. A client that stopped reading (or asks for full states
	 * faster than it reads them) is cut off once the bytes queued for it pass the limit, and the
	 * queue is freed with the socket.
	 */
	mayQueue = (): boolean => {
		if (this.closed) return false;
		if (this.ws.bufferedAmount <= this.limits.maxBufferedBytes) return true;
		logger().warn({ queued: this.ws.bufferedAmount, limit: this.limits.maxBufferedBytes }, 'sync client not reading: connection cut off');
		this.closed = true;
		clearTimeout(this.deadline);
		this.ws.terminate();
		return false;
	};

	/** The gate: true lets the frame through to Hocuspocus. */
	admit = (data: unknown, isBinary: unknown): boolean => {
		if (this.closed) return false;
		if (isBinary === false || !(data instanceof Uint8Array)) return this.refuse(SyncClose.malformedMessage, 'text or fragmented frame');
		if (!this.takeToken()) return this.refuse(SyncClose.rateLimited, 'rate limit');
		let frame: Frame;
		try {
			frame = decodeFrame(data);
		} catch (e) {
			if (!(e instanceof MalformedFrame)) throw e;
			return this.refuse(SyncClose.malformedMessage, e.message);
		}
		if (!parseDocumentName(frame.documentName)) return this.refuse(SyncClose.unknownDocument, frame.documentName.slice(0, 120));
		this.documents.add(frame.documentName);
		if (this.documents.size > this.limits.maxDocumentsPerConnection) return this.refuse(SyncClose.tooManyDocuments, 'document cap');
		if (frame.type !== 'auth' && !this.authenticated.has(frame.documentName)) {
			this.bytesBeforeAdmission += data.length;
			if (this.bytesBeforeAdmission > this.limits.maxBytesBeforeAdmission) return this.refuse(SyncClose.rateLimited, 'bytes for documents not admitted');
		}
		decoded.set(data, frame);
		return true;
	};

	/** One identity per token per connection: the session is validated once, not per document. */
	identify(token: string, resolve: () => Promise<SyncActor | null>): Promise<SyncActor | null> {
		if (this.identity?.token !== token) this.identity = { token, actor: resolve() };
		return this.identity.actor;
	}

	/**
	 * After the policy allowed the document: the limits that span connections (the person's
	 * documents, the day window) decide last. Null admits it; otherwise the refusal to answer with.
	 */
	async admitDocument(documentName: string, actor: SyncActor, ref: DocumentRef): Promise<CloseEvent | null> {
		const refusal = await this.budget.admit(this, documentName, actor, ref);
		if (!refusal) this.markAuthenticated(documentName);
		return refusal;
	}

	markAuthenticated(documentName: string) {
		this.authenticated.add(documentName);
	}

	/** A document the server closed (access ended): the socket ends too once nothing else is open on it. */
	documentClosed(documentName: string, close: CloseEvent) {
		this.authenticated.delete(documentName);
		if (this.authenticated.size === 0) setImmediate(() => this.close(close));
	}

	/** A refused document ends a connection that has nothing else open, with the refusal's code. */
	refusedDocument(close: CloseEvent) {
		if (this.authenticated.size > 0) return;
		// After the permission-denied message Hocuspocus is about to send.
		setImmediate(() => this.close(close));
	}

	close(close: CloseEvent) {
		if (this.closed) return;
		this.closed = true;
		clearTimeout(this.deadline);
		this.ws.close(close.code, close.reason);
	}

	private refuse(close: CloseEvent, detail: string): false {
		logger().warn({ code: close.code, reason: close.reason, detail }, 'sync connection closed');
		this.close(close);
		return false;
	}

	private takeToken(): boolean {
		const now = performance.now();
		this.tokens = Math.min(this.limits.messageBurst, this.tokens + ((now - this.refilledAt) / 1000) * this.limits.messagesPerSecond);
		this.refilledAt = now;
		if (this.tokens < 1) return false;
		this.tokens -= 1;
		return true;
	}
}
