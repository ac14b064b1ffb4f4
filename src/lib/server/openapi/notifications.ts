import { z } from 'zod';
import { pushSubscriptionInput, pushUnsubscribeInput } from '../notifications/schema';
import { jsonSchemaOf } from './jsonSchema';
import { bodyErrors, errors, jsonRequest, jsonResponse } from './common';
import type { ApiContribution } from './types';

const instant = z.string().meta({ description: 'ISO 8601 instant (UTC).' });

export const pushSubscriptionView = z.object({
	id: z.uuid(),
	endpoint: z.string().meta({ description: 'The browser’s push service URL.' }),
	createdAt: instant
});

export const pushSubscriptionsView = z.object({
	vapidPublicKey: z
		.string()
		.meta({ description: 'The server’s VAPID public key (base64url): pass it as `applicationServerKey` to `PushManager.subscribe()`.' }),
	subscriptions: z.array(pushSubscriptionView)
});

export function toPushSubscriptionView(row: { id: string; endpoint: string; createdAt: Date }) {
	return pushSubscriptionView.parse({ ...row, createdAt: row.createdAt.toISOString() });
}

const tags = ['notifications'];

/** Web push for the signed-in person: the browsers that get their notifications. */
export const notificationsApi: ApiContribution = {
	tag: { name: 'notifications', description: 'Web push subscriptions of the signed-in person (appointment changes, waiting-list offers, queue calls).' },
	schemas: {
		PushSubscription: jsonSchemaOf(pushSubscriptionView, 'output'),
		PushSubscriptions: jsonSchemaOf(pushSubscriptionsView, 'output')
	},
	paths: {
		'/me/push-subscriptions': {
			get: {
				operationId: 'listPushSubscriptions',
				summary: 'The VAPID public key, and the browsers subscribed for the caller',
				tags,
				responses: { '200': jsonResponse('The key and the subscriptions, oldest first.', 'PushSubscriptions'), ...errors('Unauthenticated') }
			},
			post: {
				operationId: 'subscribePush',
				summary: 'Subscribe this browser to the caller’s notifications',
				description:
					'The body is the browser’s `PushSubscription.toJSON()`. The endpoint must be an https URL on a public host; `p256dh` is 65 bytes and `auth` 16 bytes, base64url. ' +
					'Subscribing the same endpoint again refreshes its keys (and moves it to the caller if another account had it). A subscription the push service reports gone (404/410) is removed by the server.',
				tags,
				requestBody: jsonRequest(pushSubscriptionInput),
				responses: { '201': jsonResponse('Subscribed.', 'PushSubscription'), ...errors(...bodyErrors, 'Unauthenticated') }
			},
			delete: {
				operationId: 'unsubscribePush',
				summary: 'Stop notifications to one browser of the caller',
				description: 'Answers 204 whether or not the endpoint was subscribed, so it is safe to repeat.',
				tags,
				requestBody: jsonRequest(pushUnsubscribeInput),
				responses: { '204': { description: 'Not subscribed (any more).' }, ...errors(...bodyErrors, 'Unauthenticated') }
			}
		}
	}
};
