import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import * as Y from 'yjs';
import { PROJECTION_MAP, SyncClose } from '$lib/sync/protocol';
import { defaultSyncUrl } from '$lib/sync/provider.svelte';
import { displayContent, type DisplayContent, type DisplayDoctor } from './content';

export type KioskState = 'connecting' | 'live' | 'stale' | 'revoked';
export type Call = { token: string; doctor: string };

/**
 * A waiting-room screen's connection: the display projection, read with the display key as the
 * provider token. Kiosks publish no presence. The provider reconnects by itself (network loss,
 * server restart); while it is away the screen is `stale`. A revoked key closes the connection
 * with the unauthenticated code, after which the screen stops retrying.
 */
export class KioskDisplay {
	state = $state<KioskState>('connecting');
	content = $state.raw<DisplayContent>({ clinic: null, doctors: [], next: [] });

	private readonly doc = new Y.Doc();
	private readonly socket: HocuspocusProviderWebsocket;
	private readonly provider: HocuspocusProvider;
	private seen = false;

	constructor(name: string, key: string, onCall: (calls: Call[]) => void) {
		this.socket = new HocuspocusProviderWebsocket({ url: defaultSyncUrl(), delay: 1000, factor: 1.5, maxDelay: 8000, jitter: true });
		this.provider = new HocuspocusProvider({ websocketProvider: this.socket, name, document: this.doc, token: key });
		this.provider.attach();
		const map = this.doc.getMap(PROJECTION_MAP);
		map.observe(() => {
			const next = displayContent(map.toJSON());
			const calls = this.seen ? newCalls(this.content.doctors, next.doctors) : [];
			this.content = next;
			if (calls.length > 0) onCall(calls);
		});
		this.provider.on('synced', () => {
			this.seen = true;
			if (this.state !== 'revoked') this.state = 'live';
		});
		this.provider.on('status', ({ status }: { status: string }) => {
			if (this.state === 'revoked') return;
			if (status !== 'connected') this.state = this.seen ? 'stale' : 'connecting';
		});
		this.provider.on('authenticationFailed', () => this.revoke());
		this.provider.on('close', ({ event }: { event: { code: number } }) => {
			if (event.code === SyncClose.unauthenticated.code) this.revoke();
		});
	}

	destroy() {
		this.provider.destroy();
		this.socket.destroy();
		this.doc.destroy();
	}

	private revoke() {
		this.state = 'revoked';
		this.socket.shouldConnect = false;
		this.socket.disconnect();
	}
}

/** Calls to announce: a doctor's token changed, or the same token was called again. */
export function newCalls(before: DisplayDoctor[], after: DisplayDoctor[]): Call[] {
	return after.flatMap((d) => {
		const was = before.find((b) => b.doctor === d.doctor && b.slot === d.slot);
		if (!d.nowServing) return [];
		if (was && was.nowServing === d.nowServing && was.calls >= d.calls) return [];
		return [{ token: d.nowServing, doctor: d.doctor }];
	});
}

/** A two-note chime through WebAudio, so no audio file has to be served. */
export function chime(context: AudioContext): Promise<void> {
	const start = context.currentTime;
	for (const [offset, frequency] of [
		[0, 880],
		[0.35, 660]
	]) {
		const osc = context.createOscillator();
		const gain = context.createGain();
		osc.frequency.value = frequency;
		gain.gain.setValueAtTime(0.0001, start + offset);
		gain.gain.exponentialRampToValueAtTime(0.4, start + offset + 0.02);
		gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.6);
		osc.connect(gain).connect(context.destination);
		osc.start(start + offset);
		osc.stop(start + offset + 0.65);
	}
	return new Promise((resolve) => setTimeout(resolve, 1000));
}
