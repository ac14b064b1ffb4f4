import webpush from 'web-push';
import type { VapidDetails } from './vapid';

/** What the service worker shows: a title, a line of text, and the page a tap opens. */
export type PushMessage = { title: string; body: string; url: string; tag: string; lang: 'en' | 'ur' };

export type PushTarget = { endpoint: string; p256dh: string; auth: string };

/** `gone`: the push service no longer knows this browser (404/410), so the subscription is dropped. */
export type PushOutcome = 'sent' | 'gone';

export class PushError extends Error {}

const TIMEOUT_MS = 15_000;

/**
 * Sends one message to one browser: web-push signs the VAPID token and encrypts the payload
 * (aes128gcm, RFC 8291); the request itself goes through fetch, so a timeout aborts it cleanly.
 * A refusal other than 404/410 throws, and the outbox tries again later.
 */
export async function sendPush(target: PushTarget, message: PushMessage, vapid: VapidDetails, urgent: boolean): Promise<PushOutcome> {
	const request = webpush.generateRequestDetails({ endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } }, JSON.stringify(message), {
		vapidDetails: vapid,
		// A queue call is useless an hour later; an appointment change is still worth a day.
		TTL: urgent ? 15 * 60 : 24 * 60 * 60,
		urgency: urgent ? 'high' : 'normal',
		contentEncoding: 'aes128gcm'
	});
	const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]));
	let response: Response;
	try {
		response = await fetch(request.endpoint, {
			method: 'POST',
			headers,
			body: request.body ? new Uint8Array(request.body) : undefined,
			signal: AbortSignal.timeout(TIMEOUT_MS)
		});
	} catch (e) {
		throw new PushError(`push service unreachable: ${e instanceof Error ? e.message : String(e)}`);
	}
	const text = await response.text().catch(() => '');
	if (response.status === 404 || response.status === 410) return 'gone';
	if (!response.ok) throw new PushError(`push service answered ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`);
	return 'sent';
}
