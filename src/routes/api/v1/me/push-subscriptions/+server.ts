import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, created, methodNotAllowed, readJson, requireApiUser } from '$lib/server/edge/api';
import { listPushSubscriptions, removePushSubscription, savePushSubscription } from '$lib/server/notifications/subscriptions';
import { vapidPublicKey } from '$lib/server/notifications/vapid';
import { pushSubscriptionsView, toPushSubscriptionView } from '$lib/server/openapi/notifications';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals }) => {
	const user = requireApiUser(locals);
	const { db } = await getDatabase();
	const subscriptions = (await listPushSubscriptions(db, user.id)).map(toPushSubscriptionView);
	return json(pushSubscriptionsView.parse({ vapidPublicKey: await vapidPublicKey(db), subscriptions }));
});

export const POST: RequestHandler = apiRoute(async ({ locals, request }) => {
	const user = requireApiUser(locals);
	const body = await readJson(request);
	const { db } = await getDatabase();
	return created(toPushSubscriptionView(await savePushSubscription(db, user.id, body)));
});

export const DELETE: RequestHandler = apiRoute(async ({ locals, request }) => {
	const user = requireApiUser(locals);
	const body = await readJson(request);
	const { db } = await getDatabase();
	await removePushSubscription(db, user.id, body);
	return new Response(null, { status: 204 });
});

export const fallback = methodNotAllowed('GET', 'POST', 'DELETE');
