/**
 * A voice note recorded in the browser with MediaRecorder: start asks for the microphone (the
 * chart page's Permissions-Policy allows it for this origin only), stop hands back the recording
 * as a Blob to play (`blob:` media is allowed on the chart page) and to save.
 */
export type RecorderProblem = 'denied' | 'unsupported';

/** What the browser can record, in order of preference: Chromium and Firefox do Opus in WebM or Ogg, Safari AAC in MP4. */
const TYPES = ['audio/webm;codecs=opus', 'audio/webm', 'audio/ogg;codecs=opus', 'audio/mp4'];

/** Long enough for a dictated note, short enough to stay far below the 10 MB limit. */
export const MAX_RECORDING_SECONDS = 5 * 60;

export class VoiceRecorder {
	recording = $state(false);
	seconds = $state(0);
	problem = $state<RecorderProblem | null>(null);
	/** The last recording, until it is saved or discarded. */
	take = $state<{ blob: Blob; url: string; extension: string } | null>(null);

	#recorder: MediaRecorder | null = null;
	#stream: MediaStream | null = null;
	#timer: ReturnType<typeof setInterval> | null = null;
	#chunks: Blob[] = [];

	static supported(): boolean {
		return typeof MediaRecorder !== 'undefined' && typeof navigator !== 'undefined' && Boolean(navigator.mediaDevices?.getUserMedia);
	}

	async start(): Promise<void> {
		this.problem = null;
		this.discard();
		if (!VoiceRecorder.supported()) {
			this.problem = 'unsupported';
			return;
		}
		try {
			this.#stream = await navigator.mediaDevices.getUserMedia({ audio: true });
		} catch {
			this.problem = 'denied';
			return;
		}
		const mimeType = TYPES.find((t) => MediaRecorder.isTypeSupported(t));
		const recorder = new MediaRecorder(this.#stream, mimeType ? { mimeType } : undefined);
		this.#chunks = [];
		recorder.ondataavailable = (event) => {
			if (event.data.size > 0) this.#chunks.push(event.data);
		};
		recorder.onstop = () => {
			const type = recorder.mimeType || mimeType || 'audio/webm';
			const blob = new Blob(this.#chunks, { type });
			this.take = { blob, url: URL.createObjectURL(blob), extension: type.includes('mp4') ? 'm4a' : type.includes('ogg') ? 'ogg' : 'webm' };
			this.#release();
		};
		this.#recorder = recorder;
		recorder.start(1000);
		this.seconds = 0;
		this.recording = true;
		this.#timer = setInterval(() => {
			this.seconds += 1;
			if (this.seconds >= MAX_RECORDING_SECONDS) this.stop();
		}, 1000);
	}

	stop(): void {
		if (this.#timer) clearInterval(this.#timer);
		this.#timer = null;
		this.recording = false;
		if (this.#recorder?.state === 'recording') this.#recorder.stop();
		else this.#release();
	}

	discard(): void {
		if (this.take) URL.revokeObjectURL(this.take.url);
		this.take = null;
	}

	/** Stops everything (leaving the page): the microphone is let go and the recording's URL freed. */
	destroy(): void {
		this.stop();
		this.discard();
	}

	#release(): void {
		this.#stream?.getTracks().forEach((track) => track.stop());
		this.#stream = null;
		this.#recorder = null;
	}
}

/** `m:ss` for the elapsed time of a recording. */
export const elapsed = (seconds: number) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
