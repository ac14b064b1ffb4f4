import type { Browser, Page } from '@playwright/test';
import { CLINIC, PASSWORD, expect } from './fixtures';

/** What the pharmacy specs share: the clinic's API, expiry dates, screenshots and an Urdu phone. */

/** The clinic's API (CLINIC is filled in when a spec starts, so this is read inside tests). */
export const api = () => `/api/v1/clinics/${CLINIC.code}`;

/** A calendar day this many days from now (UTC), as an expiry. */
export const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** A medicine's card on the Stock tab, by its exact name. */
export const medicineCard = (page: Page, name: string) => page.getByTestId('stock-medicine').filter({ has: page.getByText(name, { exact: true }) });

/** One call of the clinic's API as the page's signed-in person, expecting `status`; the JSON answer. */
export async function call(page: Page, method: 'get' | 'post' | 'put' | 'patch', path: string, data: Record<string, unknown> | null, status: number) {
	const response = method === 'get' ? await page.request.get(`${api()}${path}`) : await page.request[method](`${api()}${path}`, { data: data ?? {} });
	expect(response.status(), await response.text()).toBe(status);
	return (await response.json()) as Record<string, unknown>;
}

/** With RECORD_SCREENSHOTS=<dir>, keeps a picture of the whole page for review. */
export async function screenshot(page: Page, name: string) {
	const dir = process.env.RECORD_SCREENSHOTS;
	if (dir) await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
}

/** A phone-sized browser in Urdu, signed in as the person (staff share PASSWORD; the admin has their own). */
export async function phoneFor(browser: Browser, email: string, password = PASSWORD) {
	const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
	await context.addCookies([{ name: 'PARAGLIDE_LOCALE', value: 'ur', url: 'http://localhost' }]);
	const phone = await context.newPage();
	await phone.goto('/login');
	await phone.getByLabel(/ای میل/i).fill(email);
	await phone.getByLabel(/^پاس ورڈ$/i).fill(password);
	await phone.getByRole('button', { name: /سائن ان کریں/i }).click();
	await expect(phone).toHaveURL(/\/[A-Z0-9]{3,8}$/);
	return phone;
}
