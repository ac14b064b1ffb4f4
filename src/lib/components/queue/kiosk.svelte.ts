import { defaultSyncUrl } from '$lib/sync/provider.svelte';
import { readDisplay, type DisplayContent, type DisplayDoctor } from './content';
import { KioskConnection, type KioskState } from './kioskConnection';

export type { KioskState };
export type Call = { token: string; doctor: string; room: string | null };

/**
 * A waiting-room screen: the display projection as rune state, read with the display key (see
 * KioskConnection for reconnecting, staleness and revocation). New calls are handed to `onCall`,
 * never the state the screen found when it first connected.
 */
export class KioskDisplay {
	state = $state<KioskState>('connecting');
	content = $state.raw<DisplayContent>({ day: '', clinic: null, doctors: [], shared: [], next: [] });
	/** The server sent a shape this build does not know: the screen asks to be reloaded. */
	outdated = $state(false);

	private readonly connection: KioskConnection;
	private seen = false;

	constructor(name: string, key: string, onCall: (calls: Call[]) => void) {
		this.connection = new KioskConnection({
			url: defaultSyncUrl(),
			name,
			key,
			onContent: (raw) => {
				const reading = readDisplay(raw);
				this.outdated = reading.state === 'mismatch';
				if (reading.state !== 'ok') return;
				const next = reading.value;
				const calls = this.seen ? newCalls(this.content.doctors, next.doctors) : [];
				this.content = next;
				if (calls.length > 0) onCall(calls);
			},
			onState: (state) => {
				this.state = state;
				if (state === 'live') this.seen = true;
			}
		});
	}

	destroy() {
		this.connection.destroy();
	}
}

/** Calls to announce: a doctor's token changed, or the same token was called again. */
export function newCalls(before: DisplayDoctor[], after: DisplayDoctor[]): Call[] {
	return after.flatMap((d) => {
		const was = before.find((b) => b.doctor === d.doctor && b.slot === d.slot);
		if (!d.nowServing) return [];
		if (was && was.nowServing === d.nowServing && was.calls >= d.calls) return [];
		return [{ token: d.nowServing, doctor: d.doctor, room: d.room }];
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
