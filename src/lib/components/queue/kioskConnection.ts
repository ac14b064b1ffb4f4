import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import * as Y from 'yjs';
import { PROJECTION_MAP, SyncClose } from '../../sync/protocol';

export type KioskState = 'connecting' | 'live' | 'stale' | 'revoked';

export type KioskConnectionOptions = {
	url: string;
	name: string;
	/** The display key, sent as the provider token. */
	key: string;
	onContent(content: Record<string, unknown>): void;
	onState(state: KioskState): void;
	/** Node has no global WebSocket (tests pass `ws`). */
	WebSocketPolyfill?: unknown;
};

/**
 * A waiting-room screen's connection to the display projection, with no runes or DOM, so it
 * runs in a test too. The socket reconnects by itself (network loss, server restart). Every
 * connection starts from an empty document: a projection rebuilt by a restarted server is new
 * history, and merging the screen's old copy into it could let stale entries win. A revoked
 * key (the unauthenticated close code, or a refusal) stops it for good.
 */
export class KioskConnection {
	private readonly socket: HocuspocusProviderWebsocket;
	private provider: HocuspocusProvider | null = null;
	private doc: Y.Doc | null = null;
	private synced = false;
	private state: KioskState = 'connecting';

	constructor(private readonly options: KioskConnectionOptions) {
		this.socket = new HocuspocusProviderWebsocket({
			url: options.url,
			delay: 1000,
			factor: 1.5,
			maxDelay: 8000,
			jitter: true,
			maxAttempts: 0,
			...(options.WebSocketPolyfill ? { WebSocketPolyfill: options.WebSocketPolyfill } : {})
		});
		this.socket.on('status', ({ status }: { status: string }) => {
			if (this.state === 'revoked' || status !== 'disconnected') return;
			this.setState(this.synced ? 'stale' : 'connecting');
			this.attach();
		});
		this.attach();
	}

	destroy() {
		this.provider?.destroy();
		this.doc?.destroy();
		this.socket.destroy();
	}

	private attach() {
		this.provider?.destroy();
		this.doc?.destroy();
		const doc = new Y.Doc();
		const provider = new HocuspocusProvider({ websocketProvider: this.socket, name: this.options.name, document: doc, token: this.options.key });
		this.doc = doc;
		this.provider = provider;
		provider.attach();
		const map = doc.getMap(PROJECTION_MAP);
		map.observe(() => this.options.onContent(map.toJSON()));
		provider.on('synced', () => {
			this.synced = true;
			if (this.state !== 'revoked') this.setState('live');
		});
		provider.on('authenticationFailed', () => this.revoke());
		provider.on('close', ({ event }: { event: { code: number } }) => {
			if (event.code === SyncClose.unauthenticated.code) this.revoke();
		});
	}

	private revoke() {
		this.setState('revoked');
		this.socket.shouldConnect = false;
		this.socket.disconnect();
	}

	private setState(state: KioskState) {
		this.state = state;
		this.options.onState(state);
	}
}
