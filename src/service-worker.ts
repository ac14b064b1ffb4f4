/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
import { build, version } from '$service-worker';

/**
 * Tabeeb's service worker: shows web push notifications and opens /me when one is tapped. It
 * caches only the built, content-hashed assets (/_app/immutable/…), as they are fetched: pages,
 * data and the API always come from the network, so nobody (a test run, a clinic after an
 * update) ever sees a stale page.
 */
declare const self: ServiceWorkerGlobalScope;

const CACHE = `tabeeb-assets-${version}`;
const immutable = new Set(build.filter((path) => path.includes('/_app/immutable/')));

type PushMessage = { title: string; body: string; url: string; tag: string; lang: string };

self.addEventListener('install', () => {
	// A new version takes over at once; it caches nothing up front, so there is nothing to wait for.
	void self.skipWaiting();
});

self.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
			await self.clients.claim();
		})()
	);
});

self.addEventListener('fetch', (event) => {
	const url = new URL(event.request.url);
	if (event.request.method !== 'GET' || url.origin !== self.location.origin || !immutable.has(url.pathname)) return;
	event.respondWith(
		(async () => {
			const cache = await caches.open(CACHE);
			const cached = await cache.match(url.pathname);
			if (cached) return cached;
			const response = await fetch(event.request);
			if (response.ok) await cache.put(url.pathname, response.clone());
			return response;
		})()
	);
});

self.addEventListener('push', (event) => {
	const message = readPush(event.data);
	if (!message) return;
	event.waitUntil(
		self.registration.showNotification(message.title, {
			body: message.body,
			tag: message.tag,
			lang: message.lang,
			dir: message.lang === 'ur' ? 'rtl' : 'ltr',
			icon: '/favicon.svg',
			data: { url: message.url }
		})
	);
});

self.addEventListener('notificationclick', (event) => {
	event.notification.close();
	const wanted = sameOriginPath(event.notification.data?.url);
	event.waitUntil(
		(async () => {
			const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
			const open = windows.find((w) => new URL(w.url).pathname === wanted);
			if (open) {
				await open.focus();
				return;
			}
			await self.clients.openWindow(wanted);
		})()
	);
});

function readPush(data: PushMessageData | null): PushMessage | null {
	if (!data) return null;
	try {
		const parsed: unknown = data.json();
		if (typeof parsed !== 'object' || parsed === null) return null;
		const field = (name: string) => (name in parsed ? String(Reflect.get(parsed, name) ?? '') : '');
		return { title: field('title') || 'Tabeeb', body: field('body'), url: field('url') || '/me', tag: field('tag'), lang: field('lang') || 'en' };
	} catch {
		return null;
	}
}

/** Only a path of this site opens from a notification; anything else opens /me. */
function sameOriginPath(url: unknown): string {
	if (typeof url !== 'string') return '/me';
	const target = new URL(url, self.location.origin);
	return target.origin === self.location.origin ? target.pathname : '/me';
}
