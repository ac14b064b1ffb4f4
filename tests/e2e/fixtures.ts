import { randomBytes } from 'node:crypto';
import { test as base, expect, type Browser, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

/** The installation the setup project creates; every other spec signs in with it or makes its own people. */
export const ADMIN = { email: 'admin@clinic.test', password: 'admin password 1', name: 'Amina Admin' };
export const CLINIC = { name: 'Shifa Family Clinic', code: 'SHF01' };

/** The password of the staff the specs add; a short random tag keeps their names and emails apart. */
export const PASSWORD = 'staff password 1';
export const rand = () => randomBytes(3).toString('hex');

/**
 * Of the time zones offered, the one where it is now closest to noon. The clinic is set up in it,
 * so "today" in the specs is hours away from either midnight whenever the suite runs: a day never
 * rolls over mid-test, and today's queue and tomorrow's calendar are the days the specs expect.
 */
export function middayZone(zones: string[], now = new Date()): string {
	const fromNoon = (zone: string) => {
		try {
			const parts = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: 'numeric', minute: 'numeric', hourCycle: 'h23' }).formatToParts(now);
			const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
			return Math.abs(part('hour') * 60 + part('minute') - 12 * 60);
		} catch {
			return Infinity; // a name this Node does not know
		}
	};
	return zones.reduce((best, zone) => (fromNoon(zone) < fromNoon(best) ? zone : best));
}

export async function signIn(page: Page, email: string, password: string) {
	await page.goto('/login');
	await page.getByLabel(/email|ای میل/i).fill(email);
	await page.getByLabel(/^(password|پاس ورڈ)$/i).fill(password);
	await page.getByRole('button', { name: /sign in|سائن ان کریں/i }).click();
}

/** A fresh browser context (own cookies, so several people can be signed in at once), optionally in Urdu, signed in and on its clinic page. */
export async function pageFor(browser: Browser, email: string, password: string, locale?: 'ur'): Promise<Page> {
	const context = await browser.newContext();
	if (locale) await context.addCookies([{ name: 'PARAGLIDE_LOCALE', value: locale, url: 'http://localhost' }]);
	const page = await context.newPage();
	await signIn(page, email, password);
	await expect(page).toHaveURL(/\/[A-Z0-9]{3,8}$/);
	return page;
}

/** Fails on serious or critical accessibility violations of the current page. */
export async function expectAccessible(page: Page) {
	const results = await new AxeBuilder({ page }).analyze();
	const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}

export const test = base;
export { expect };
