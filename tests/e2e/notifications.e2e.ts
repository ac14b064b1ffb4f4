import { mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { ADMIN, CLINIC, expect, expectAccessible, signIn, test } from './fixtures';
import { browserKeys } from '../notifications';
import { pushSubscriptionsView } from '../../src/lib/server/openapi/notifications';

const SHOTS = process.env.SHOTS_DIR;
const shot = async (page: Page, name: string) => {
	if (!SHOTS) return;
	mkdirSync(SHOTS, { recursive: true });
	await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
};

/**
 * Headless Chromium has no push service to subscribe with, so PushManager is replaced by one
 * that hands out a well-formed subscription (a real P-256 key) and remembers it in localStorage,
 * as a browser would. Everything else is real: the service worker, the permission, the API.
 */
async function phoneWithFakePush(browser: Browser, permission: 'granted' | 'denied'): Promise<BrowserContext> {
	const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
	if (permission === 'granted') await context.grantPermissions(['notifications']);
	const keys = browserKeys();
	const json = {
		endpoint: `https://fcm.googleapis.com/fcm/send/e2e-${randomBytes(8).toString('hex')}`,
		expirationTime: null,
		keys: { p256dh: keys.p256dh, auth: keys.auth }
	};
	await context.addInitScript((subscription) => {
		const stored = () => localStorage.getItem('fake-push') !== null;
		const handle = (): PushSubscription => ({
			endpoint: subscription.endpoint,
			expirationTime: null,
			options: { applicationServerKey: null, userVisibleOnly: true },
			getKey: () => null,
			toJSON: () => subscription,
			unsubscribe: async () => {
				localStorage.removeItem('fake-push');
				return true;
			}
		});
		PushManager.prototype.getSubscription = async () => (stored() ? handle() : null);
		PushManager.prototype.subscribe = async (options?: PushSubscriptionOptionsInit) => {
			const key = options?.applicationServerKey;
			localStorage.setItem('fake-push', String(key instanceof Uint8Array ? key.length : 0));
			return handle();
		};
	}, json);
	return context;
}

async function signUp(page: Page) {
	await page.goto('/signup');
	await page.getByLabel('Full name').fill('Sana Tariq');
	await page.getByLabel('Email').fill(`push-${randomBytes(5).toString('hex')}@example.test`);
	await page.getByLabel('Password').fill('my long password');
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page).toHaveURL(/\/me$/);
}

const subscriptions = async (page: Page) => {
	const res = await page.request.get('/api/v1/me/push-subscriptions');
	expect(res.status()).toBe(200);
	return pushSubscriptionsView.parse(await res.json());
};

test('a patient turns notifications on and off for their phone, in English and Urdu', async ({ browser }) => {
	const context = await phoneWithFakePush(browser, 'granted');
	const page = await context.newPage();
	await signUp(page);
	const card = page.getByTestId('push-notifications');
	await expect(card.getByRole('heading', { name: 'Notifications on this phone' })).toBeVisible();
	await expect(card.getByTestId('push-state')).toHaveText('Off: this phone will not be notified.');
	await card.getByRole('button', { name: 'Notify me on this phone' }).click();
	await expect(card.getByTestId('push-state')).toHaveText('On: this phone will be notified.');
	// Subscribed with the server's VAPID key (65 bytes), and the server keeps the subscription.
	expect(await page.evaluate(() => localStorage.getItem('fake-push'))).toBe('65');
	expect((await subscriptions(page)).subscriptions).toHaveLength(1);
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(overflow).toBeLessThanOrEqual(0);
	await expectAccessible(page);
	await card.scrollIntoViewIfNeeded();
	await shot(page, 'me-push-on-phone');

	// Still on after a reload; in Urdu, right to left.
	await context.addCookies([{ name: 'PARAGLIDE_LOCALE', value: 'ur', url: page.url() }]);
	await page.reload();
	await expect(card.getByTestId('push-state')).toHaveText('آن: اس فون پر اطلاع آئے گی۔');
	await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
	await card.scrollIntoViewIfNeeded();
	await shot(page, 'me-push-on-phone-ur');
	await card.getByRole('button', { name: 'اس فون پر اطلاعات بند کریں' }).click();
	await expect(card.getByTestId('push-state')).toHaveText('آف: اس فون پر اطلاع نہیں آئے گی۔');
	expect((await subscriptions(page)).subscriptions).toEqual([]);
	await context.close();
});

test('a phone where notifications are blocked says how to allow them, and subscribes nothing', async ({ browser }) => {
	const context = await phoneWithFakePush(browser, 'denied');
	const page = await context.newPage();
	await signUp(page);
	const card = page.getByTestId('push-notifications');
	const button = card.getByRole('button', { name: 'Notify me on this phone' });
	if (await button.isVisible()) await button.click();
	await expect(card.getByRole('status')).toHaveText(/Notifications are blocked for this site/);
	expect((await subscriptions(page)).subscriptions).toEqual([]);
	await context.close();
});

test('the service worker is registered and leaves pages to the network', async ({ page }) => {
	await signUp(page);
	const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
	expect(new URL(scope).pathname).toBe('/');
	// Once it controls the page, the built assets it serves are cached as they are fetched; the page itself is not.
	await page.reload();
	expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
	await expect.poll(() => page.evaluate(async () => (await caches.keys()).length)).toBeGreaterThan(0);
	const cached = await page.evaluate(async () => {
		const names = await caches.keys();
		const urls: string[] = [];
		for (const name of names) for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
		return urls;
	});
	expect(cached.length).toBeGreaterThan(0);
	expect(cached.filter((path) => !path.startsWith('/_app/immutable/'))).toEqual([]);
});

test('the service worker shows a push as a notification, right to left for Urdu', async ({ browser }) => {
	const context = await phoneWithFakePush(browser, 'granted');
	const page = await context.newPage();
	await signUp(page);
	await page.evaluate(async () => navigator.serviceWorker.ready);
	// Chromium's DevTools protocol delivers a push message to the registration, as a push service would.
	const cdp = await context.newCDPSession(page);
	const registrations = new Promise<{ registrationId: string; scopeURL: string }[]>((resolve) =>
		cdp.on('ServiceWorker.workerRegistrationUpdated', (event) => resolve(event.registrations))
	);
	await cdp.send('ServiceWorker.enable');
	const origin = new URL(page.url()).origin;
	const registration = (await registrations).find((r) => r.scopeURL === `${origin}/`);
	if (!registration) throw new Error('the service worker is not registered for the site');
	const message = { title: 'ٹوکن 014: اب آپ کی باری ہے', body: 'براہِ کرم ابھی Room 2 میں جائیں', url: '/me', tag: 'queue-1', lang: 'ur' };
	const deliver = () => cdp.send('ServiceWorker.deliverPushMessage', { origin, registrationId: registration.registrationId, data: JSON.stringify(message) });
	const shown = () =>
		page.evaluate(async () =>
			(await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({ title: n.title, body: n.body, dir: n.dir, tag: n.tag, data: n.data }))
		);
	await deliver();
	// A push service retries too: Chromium now and then drops a message delivered while the worker
	// is still starting. The tag makes a second delivery replace the first, never add to it.
	const shownOrRedelivered = async () => {
		const now = await shown();
		if (now.length === 0) await deliver();
		return now;
	};
	await expect
		.poll(shownOrRedelivered, { intervals: [500, 1000, 2000], timeout: 20_000 })
		.toEqual([{ title: message.title, body: message.body, dir: 'rtl', tag: 'queue-1', data: { url: '/me' } }]);
	await context.close();
});

test('an admin sees the notifications page, reachable from the navigation, at desktop width', async ({ page }) => {
	await page.setViewportSize({ width: 1280, height: 800 });
	await signIn(page, ADMIN.email, ADMIN.password);
	await expect(page).toHaveURL(new RegExp(`/${CLINIC.code}$`));
	await page.getByRole('link', { name: 'Notifications' }).first().click();
	await expect(page).toHaveURL(new RegExp(`/${CLINIC.code}/admin/notifications$`));
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Notifications');
	await expect(page.getByTestId('notifications-none').or(page.getByRole('table'))).toBeVisible();
	await expectAccessible(page);
	await shot(page, 'admin-notifications-desktop');
});
