import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import { IndexeddbPersistence } from 'y-indexeddb';
import * as Y from 'yjs';
import { ProjectionConnection, type ProjectionState } from './projectionConnection';
import { destroySocket } from './socket';
import {
	closeReasonOf,
	isFinalClose,
	isSyncCloseReason,
	PRESENCE_FIELD,
	SYNC_PATH,
	type DocumentKind,
	type PresenceUser,
	type SyncCloseReason
} from './protocol';

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
	/** A collaborative document only read here (a completed chart) keeps no IndexedDB copy. */
	keepLocal?: boolean;
	/** A stateless message from the server about a collaborative document (`CHART_RECORD_CHANGED_MESSAGE`). */
	onMessage?: (payload: string) => void;
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
 * One live document in the browser: its connection state, who else has it open, and (for
 * projections) its content as plain data. A projection is read through a
 * `ProjectionConnection`, which starts every connection from an empty document so a server
 * rebuilt after a restart never merges with the old copy. A collaborative document keeps one Yjs
 * document with an IndexedDB copy, so edits made offline survive a reload and sync when the
 * connection returns. Both reconnect with exponential backoff; a refusal stops them.
 */
export class LiveDocument {
	state = $state<ConnectionState>('connecting');
	/** Others who have this document open now (one entry per person). */
	peers = $state.raw<PresenceUser[]>([]);
	/** Projection content, replaced on every change. */
	content = $state.raw<Record<string, unknown>>({});
	/** True once the first full sync with the server completed. */
	synced = $state(false);
	/** Why the server refused or closed the document for good (collaborative documents), when it said. */
	refusal = $state<SyncCloseReason | null>(null);

	/** The shared document of a collaborative kind (a projection's content is in `content`). */
	readonly doc = new Y.Doc();
	/** The Hocuspocus provider of a collaborative document, for editors that share its awareness (Tiptap's caret); null for projections. */
	provider: HocuspocusProvider | null = null;
	private readonly close: () => void;
	private everLive = false;

	constructor(options: LiveDocumentOptions) {
		const self = { id: options.user.id, name: options.user.name, color: colourFor(options.user.id) };
		const url = options.url ?? defaultSyncUrl();
		if (options.kind === 'projection') {
			const connection = new ProjectionConnection({
				url,
				name: options.name,
				token: options.token,
				onContent: (content) => (this.content = content),
				onState: (state) => this.onProjectionState(state),
				presence: { field: PRESENCE_FIELD, value: self, onChange: (states, selfClientId) => (this.peers = peersOf(states, selfClientId, self.id)) }
			});
			this.close = () => connection.destroy();
		} else {
			this.close = this.openCollaborative(options, url, self);
		}
		window.addEventListener('online', this.onOnline);
		window.addEventListener('offline', this.onOffline);
		if (!navigator.onLine) this.state = 'offline';
	}

	destroy() {
		window.removeEventListener('online', this.onOnline);
		window.removeEventListener('offline', this.onOffline);
		this.close();
		this.doc.destroy();
	}

	private openCollaborative(options: LiveDocumentOptions, url: string, self: PresenceUser): () => void {
		const local = options.keepLocal === false ? null : new IndexeddbPersistence(options.name, this.doc);
		// One socket per document: a refusal or a limit then affects only this document.
		const socket = new HocuspocusProviderWebsocket({ url, delay: 1000, factor: 2, maxDelay: 15_000, jitter: true });
		const provider = new HocuspocusProvider({ websocketProvider: socket, name: options.name, document: this.doc, token: options.token ?? '' });
		this.provider = provider;
		const refuse = (reason: SyncCloseReason | null) => {
			this.refusal ??= reason;
			this.state = 'refused';
			socket.disconnect();
			socket.shouldConnect = false;
		};
		provider.attach();
		provider.setAwarenessField(PRESENCE_FIELD, self);
		provider.on('status', ({ status }: { status: string }) => this.onStatus(status));
		provider.on('synced', () => {
			this.synced = true;
			this.everLive = true;
			if (this.state !== 'refused') this.state = navigator.onLine ? 'live' : 'offline';
		});
		const onMessage = options.onMessage;
		if (onMessage) provider.on('stateless', ({ payload }: { payload: string }) => onMessage(payload));
		provider.on('authenticationFailed', ({ reason }: { reason: string }) => refuse(isSyncCloseReason(reason) ? reason : null));
		provider.on('close', ({ event }: { event: { code: number; reason?: string } }) => {
			// A document the server closed alone arrives as 1000 with the reason: read the reason then.
			const reason = event.reason ?? '';
			if (isFinalClose(event)) refuse(closeReasonOf(event.code) ?? (isSyncCloseReason(reason) ? reason : null));
		});
		const awareness = provider.awareness;
		awareness?.on('change', () => (this.peers = peersOf(awareness.getStates(), awareness.clientID, self.id)));
		return () => {
			provider.destroy();
			destroySocket(socket);
			void local?.destroy();
		};
	}

	private onProjectionState(state: ProjectionState) {
		if (state === 'live') {
			this.synced = true;
			this.everLive = true;
		}
		if (this.state === 'refused') return;
		if (state === 'stale') this.state = navigator.onLine ? 'reconnecting' : 'offline';
		else if (state === 'live' && !navigator.onLine) this.state = 'offline';
		else this.state = state;
	}

	private onStatus(status: string) {
		if (this.state === 'refused') return;
		if (status === 'connected') this.state = this.synced && this.everLive ? 'live' : 'connecting';
		else if (!navigator.onLine) this.state = 'offline';
		else this.state = this.everLive ? 'reconnecting' : 'connecting';
	}

	private onOnline = () => {
		if (this.state === 'offline') this.state = 'reconnecting';
	};

	private onOffline = () => {
		if (this.state !== 'refused') this.state = 'offline';
	};
}

/** Everyone else with the document open, one entry per person (several tabs count once). */
function peersOf(states: Map<number, Record<string, unknown>>, selfClientId: number, selfId: string): PresenceUser[] {
	const seen = new Map<string, PresenceUser>();
	for (const [clientId, state] of states) {
		const user: unknown = state[PRESENCE_FIELD];
		if (clientId === selfClientId || !isPresenceUser(user)) continue;
		if (user.id !== selfId) seen.set(user.id, user);
	}
	return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function isPresenceUser(value: unknown): value is PresenceUser {
	if (typeof value !== 'object' || value === null) return false;
	return typeof Reflect.get(value, 'id') === 'string' && typeof Reflect.get(value, 'name') === 'string' && typeof Reflect.get(value, 'color') === 'string';
}
