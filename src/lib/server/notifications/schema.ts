import { z } from 'zod';

/** Length in bytes of a base64url string (padding tolerated), or -1 when it is not base64url. */
function base64urlBytes(value: string): number {
	if (!/^[A-Za-z0-9_-]+={0,2}$/.test(value)) return -1;
	return Buffer.from(value, 'base64url').length;
}

const keyOf = (bytes: number, description: string) =>
	z
		.string()
		.max(200)
		.refine((v) => base64urlBytes(v) === bytes, `must be ${bytes} bytes, base64url`)
		.meta({ description });

/**
 * A push service's URL for one browser: https, and a public host name. The server posts to it,
 * so addresses on the server's own network (IP literals, localhost, single-label hosts) are refused.
 */
const pushEndpoint = z
	.url({ protocol: /^https$/ })
	.max(2048)
	.refine((v) => {
		// zod runs this even when the URL check above failed; that failure is the one reported.
		if (!URL.canParse(v)) return true;
		const host = new URL(v).hostname;
		return host.includes('.') && !/^[\d.]+$/.test(host) && !host.startsWith('[') && !/(^|\.)localhost$/i.test(host);
	}, 'must be a push service on a public host')
	.meta({ description: 'The push service URL of this browser, from `PushSubscription.toJSON()`.', example: 'https://fcm.googleapis.com/fcm/send/dKx3…' });

/** The browser's `PushSubscription.toJSON()`, as the service worker's registration hands it out. */
export const pushSubscriptionInput = z.object({
	endpoint: pushEndpoint,
	expirationTime: z.number().nullable().optional().meta({ description: 'Ignored; browsers renew subscriptions themselves.' }),
	keys: z.object({
		p256dh: keyOf(65, 'The browser’s P-256 public key (uncompressed point, 65 bytes).').refine(
			(v) => base64urlBytes(v) !== 65 || Buffer.from(v, 'base64url')[0] === 4,
			'must be an uncompressed P-256 point'
		),
		auth: keyOf(16, 'The browser’s authentication secret (16 bytes).')
	})
});

export const pushUnsubscribeInput = z.object({ endpoint: z.url().max(2048).meta({ description: 'The endpoint given when subscribing.' }) });

export type PushSubscriptionInput = z.infer<typeof pushSubscriptionInput>;
