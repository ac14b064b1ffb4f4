import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import * as Y from 'yjs';
import { isFinalClose, PROJECTION_MAP } from './protocol';
import { destroySocket } from './socket';

/** `stale`: the server was reached before but not now; what is shown may be out of date. */
export type ProjectionState = 'connecting' | 'live' | 'stale' | 'refused';

export type ProjectionConnectionOptions = {
	url: string;
	name: string;
	/** Browsers leave it empty (the session cookie authenticates); kiosks send their display key. */
	token?: string;
	onContent(content: Record<string, unknown>): void;
	onState(state: ProjectionState): void;
	/** Set on each connection's awareness, so others see who has the document open. */
	presence?: { field: string; value: Record<string, unknown>; onChange(states: Map<number, Record<string, unknown>>, selfClientId: number): void };
	/** Node has no global WebSocket (tests pass `ws`). */
	WebSocketPolyfill?: unknown;
	/** Reconnect backoff; defaults suit a staff screen. */
	backoff?: { delay: number; factor: number; maxDelay: number };
};

/**
 * A read-only connection to a projection, with no runes or DOM, so it runs in tests too. The socket
 * reconnects by itself (network loss, server restart). Every connection starts from an empty
 * document: a projection rebuilt by a restarted server is new Yjs history, and merging the old copy
 * into it could let stale entries win (a token shown as waiting after it was called). Until the new
 * copy has synced, the last content stays on screen, marked stale. A refusal stops it for good.
 */
export class ProjectionConnection {
	private readonly socket: HocuspocusProviderWebsocket;
	private provider: HocuspocusProvider | null = null;
	private doc: Y.Doc | null = null;
	private everSynced = false;
	private state: ProjectionState = 'connecting';

	constructor(private readonly options: ProjectionConnectionOptions) {
		const backoff = options.backoff ?? { delay: 1000, factor: 2, maxDelay: 15_000 };
		this.socket = new HocuspocusProviderWebsocket({
			url: options.url,
			...backoff,
			minDelay: backoff.delay,
			jitter: true,
			maxAttempts: 0,
			...(options.WebSocketPolyfill ? { WebSocketPolyfill: options.WebSocketPolyfill } : {})
		});
		this.socket.on('status', ({ status }: { status: string }) => {
			if (this.state === 'refused' || status !== 'disconnected') return;
			this.setState(this.everSynced ? 'stale' : 'connecting');
			this.attach();
		});
		this.attach();
	}

	destroy() {
		this.provider?.destroy();
		this.doc?.destroy();
		destroySocket(this.socket);
	}

	private attach() {
		this.provider?.destroy();
		this.doc?.destroy();
		const doc = new Y.Doc();
		const provider = new HocuspocusProvider({ websocketProvider: this.socket, name: this.options.name, document: doc, token: this.options.token ?? '' });
		this.doc = doc;
		this.provider = provider;
		provider.attach();
		const map = doc.getMap(PROJECTION_MAP);
		// Deep: top-level lists are Y.Arrays patched in place (see applyProjection).
		map.observeDeep(() => this.options.onContent(map.toJSON()));
		provider.on('synced', () => {
			if (this.state === 'refused') return;
			this.everSynced = true;
			// The new copy may be empty where the old one was not: show exactly what the server holds.
			this.options.onContent(map.toJSON());
			this.setState('live');
		});
		provider.on('authenticationFailed', () => this.refuse());
		provider.on('close', ({ event }: { event: { code: number; reason?: string } }) => {
			if (isFinalClose(event)) this.refuse();
		});
		this.watchPresence(provider);
	}

	private watchPresence(provider: HocuspocusProvider) {
		const presence = this.options.presence;
		const awareness = provider.awareness;
		if (!presence || !awareness) return;
		provider.setAwarenessField(presence.field, presence.value);
		const report = () => presence.onChange(awareness.getStates(), awareness.clientID);
		awareness.on('change', report);
		report();
	}

	private refuse() {
		this.setState('refused');
		// Reconnecting cannot help until the person signs in again or is given access.
		this.socket.shouldConnect = false;
		this.socket.disconnect();
	}

	private setState(state: ProjectionState) {
		if (this.state === state) return;
		this.state = state;
		this.options.onState(state);
	}
}
