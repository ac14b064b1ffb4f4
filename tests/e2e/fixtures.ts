import { test as base, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

/** The installation the setup project creates; every other spec signs in with it or makes its own people. */
export const ADMIN = { email: 'admin@clinic.test', password: 'admin password 1', name: 'Amina Admin' };
export const CLINIC = { name: 'Shifa Family Clinic', code: 'SHF01' };

export async function signIn(page: Page, email: string, password: string) {
	await page.goto('/login');
	await page.getByLabel(/email|ای میل/i).fill(email);
	await page.getByLabel(/^(password|پاس ورڈ)$/i).fill(password);
	await page.getByRole('button', { name: /sign in|سائن ان کریں/i }).click();
}

/** Fails on serious or critical accessibility violations of the current page. */
export async function expectAccessible(page: Page) {
	const results = await new AxeBuilder({ page }).analyze();
	const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}

/** Signs the admin in through the API and returns a request context carrying the session cookie. */
export const test = base;
export { expect };
