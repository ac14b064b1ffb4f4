import { ProjectionConnection } from '../../sync/projectionConnection';

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
 * A waiting-room screen's connection to the display projection: a projection connection that
 * retries sooner than a staff screen (a TV has nobody to press reload), where a refusal means
 * the display key was revoked.
 */
export class KioskConnection {
	private readonly connection: ProjectionConnection;

	constructor(options: KioskConnectionOptions) {
		this.connection = new ProjectionConnection({
			url: options.url,
			name: options.name,
			token: options.key,
			WebSocketPolyfill: options.WebSocketPolyfill,
			backoff: { delay: 1000, factor: 1.5, maxDelay: 8000 },
			onContent: options.onContent,
			onState: (state) => options.onState(state === 'refused' ? 'revoked' : state)
		});
	}

	destroy() {
		this.connection.destroy();
	}
}
