import WebSocket from 'ws';
import { parseDocumentName, SyncClose } from '../src/lib/sync/protocol';
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
};

export const defaultLimits: SyncLimits = {
	maxMessageBytes: 2 * 1024 * 1024,
	messagesPerSecond: 60,
	messageBurst: 240,
	authenticationTimeoutMs: 10_000,
	maxDocumentsPerConnection: 20
};

type CloseEvent = { code: number; reason: string };

/**
 * A ws socket whose incoming messages pass a gate before anyone (Hocuspocus) hears them: a
 * frame the gate refuses is never delivered, and the gate closes the connection instead.
 */
export class GatedSocket extends WebSocket {
	gate: ((data: unknown, isBinary: unknown) => boolean) | null = null;

	override emit(event: string | symbol, ...args: unknown[]): boolean {
		if (event === 'message' && this.gate && !this.gate(args[0], args[1])) return false;
		return super.emit(event, ...args);
	}
}

/** Decoded frames, keyed by the very buffer Hocuspocus later hands to beforeHandleMessage. */
const decoded = new WeakMap<object, Frame>();

export function decodedFrame(data: Uint8Array): Frame {
	return decoded.get(data) ?? decodeFrame(data);
}

/**
 * Per-connection state and limits: rate (token bucket; decided synchronously per frame, which
 * an async limiter cannot do), frame validity, documents per connection, the authentication
 * deadline, and the identity once established.
 */
export class SocketState {
	private tokens: number;
	private refilledAt = performance.now();
	private readonly documents = new Set<string>();
	private readonly authenticated = new Set<string>();
	private readonly deadline: NodeJS.Timeout;
	private identity: { token: string; actor: Promise<SyncActor | null> } | null = null;
	closed = false;

	constructor(
		readonly ws: WebSocket,
		private readonly limits: SyncLimits
	) {
		this.tokens = limits.messageBurst;
		this.deadline = setTimeout(() => {
			if (this.authenticated.size === 0) this.close(SyncClose.authenticationTimeout);
		}, limits.authenticationTimeoutMs);
		ws.once('close', () => {
			this.closed = true;
			clearTimeout(this.deadline);
		});
	}

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
		decoded.set(data, frame);
		return true;
	};

	/** One identity per token per connection: the session is validated once, not per document. */
	identify(token: string, resolve: () => Promise<SyncActor | null>): Promise<SyncActor | null> {
		if (this.identity?.token !== token) this.identity = { token, actor: resolve() };
		return this.identity.actor;
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
