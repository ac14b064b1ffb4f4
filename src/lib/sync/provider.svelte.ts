import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import { IndexeddbPersistence } from 'y-indexeddb';
import * as Y from 'yjs';
import { FINAL_CLOSE_CODES, PRESENCE_FIELD, PROJECTION_MAP, SYNC_PATH, type DocumentKind, type PresenceUser } from './protocol';

/** What the UI shows about the connection. */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline' | 'refused';

export type LiveDocumentOptions = {
	name: string;
	kind: DocumentKind;
	/** Who this browser is, for presence. */
	user: { id: string; name: string };
	/** Defaults to /sync on the page's own host (the session cookie authenticates). */
	url?: string;
	/** For non-browser clients and kiosks (display key); browsers leave it empty. */
	token?: string;
};

/** A stable colour per person, so everyone sees the same colour for the same colleague. */
export function colourFor(userId: string): string {
	let hash = 0;
	for (const ch of userId) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
	// Dark enough for white initials to pass WCAG AA contrast at every hue (yellows are the hardest).
	return `hsl(${hash % 360} 65% 28%)`;
}

export function defaultSyncUrl(): string {
	return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${SYNC_PATH}`;
}

/**
 * One live document in the browser: the Yjs document, its connection state, who else has it
 * open, and (for projections) its content as plain data. Collaborative documents also keep an
 * IndexedDB copy, so edits made offline survive a reload and sync when the connection returns.
 * The provider reconnects with exponential backoff; a refusal stops it.
 */
export class LiveDocument {
	state = $state<ConnectionState>('connecting');
	/** Others who have this document open now (one entry per person). */
	peers = $state.raw<PresenceUser[]>([]);
	/** Projection content, replaced on every change. */
	content = $state.raw<Record<string, unknown>>({});
	/** True once the first full sync with the server completed. */
	synced = $state(false);

	readonly doc = new Y.Doc();
	private readonly socket: HocuspocusProviderWebsocket;
	private readonly provider: HocuspocusProvider;
	private readonly local: IndexeddbPersistence | null;
	private everLive = false;

	constructor(options: LiveDocumentOptions) {
		this.local = options.kind === 'collaborative' ? new IndexeddbPersistence(options.name, this.doc) : null;
		// One socket per document: a refusal or a limit then affects only this document.
		this.socket = new HocuspocusProviderWebsocket({ url: options.url ?? defaultSyncUrl(), delay: 1000, factor: 2, maxDelay: 15_000, jitter: true });
		this.provider = new HocuspocusProvider({ websocketProvider: this.socket, name: options.name, document: this.doc, token: options.token ?? '' });
		this.provider.attach();
		this.provider.setAwarenessField(PRESENCE_FIELD, { id: options.user.id, name: options.user.name, color: colourFor(options.user.id) });
		this.provider.on('status', ({ status }: { status: string }) => this.onStatus(status));
		this.provider.on('synced', () => {
			this.synced = true;
			this.everLive = true;
			if (this.state !== 'refused') this.state = navigator.onLine ? 'live' : 'offline';
		});
		this.provider.on('authenticationFailed', () => this.refuse());
		this.provider.on('close', ({ event }: { event: { code: number } }) => {
			if (FINAL_CLOSE_CODES.has(event.code)) this.refuse();
		});
		this.provider.awareness?.on('change', () => this.readPeers());
		this.doc.getMap(PROJECTION_MAP).observe(() => (this.content = this.doc.getMap(PROJECTION_MAP).toJSON()));
		window.addEventListener('online', this.onOnline);
		window.addEventListener('offline', this.onOffline);
		if (!navigator.onLine) this.state = 'offline';
	}

	destroy() {
		window.removeEventListener('online', this.onOnline);
		window.removeEventListener('offline', this.onOffline);
		this.provider.destroy();
		this.socket.destroy();
		void this.local?.destroy();
		this.doc.destroy();
	}

	private onStatus(status: string) {
		if (this.state === 'refused') return;
		if (status === 'connected') this.state = this.synced && this.everLive ? 'live' : 'connecting';
		else if (!navigator.onLine) this.state = 'offline';
		else this.state = this.everLive ? 'reconnecting' : 'connecting';
	}

	private refuse() {
		this.state = 'refused';
		// Reconnecting cannot help until the person signs in again or is given access.
		this.socket.disconnect();
		this.socket.shouldConnect = false;
	}

	private readPeers() {
		const awareness = this.provider.awareness;
		if (!awareness) return;
		const seen = new Map<string, PresenceUser>();
		for (const [clientId, state] of awareness.getStates()) {
			const user: unknown = state[PRESENCE_FIELD];
			if (clientId === awareness.clientID || !isPresenceUser(user)) continue;
			if (user.id !== this.selfId()) seen.set(user.id, user);
		}
		this.peers = [...seen.values()].sort((a, b) => a.name.localeCompare(b.name));
	}

	private selfId(): string | null {
		const own: unknown = this.provider.awareness?.getLocalState()?.[PRESENCE_FIELD];
		return isPresenceUser(own) ? own.id : null;
	}

	private onOnline = () => {
		if (this.state === 'offline') this.state = 'reconnecting';
	};

	private onOffline = () => {
		if (this.state !== 'refused') this.state = 'offline';
	};
}

function isPresenceUser(value: unknown): value is PresenceUser {
	if (typeof value !== 'object' || value === null) return false;
	return typeof Reflect.get(value, 'id') === 'string' && typeof Reflect.get(value, 'name') === 'string' && typeof Reflect.get(value, 'color') === 'string';
}
