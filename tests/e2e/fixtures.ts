import { randomBytes } from 'node:crypto';
import { test as base, expect, type Browser, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

/** The installation the setup project creates. Only setup signs in as this admin, and the fixture below that gives each spec file its clinic. */
export const INSTALLATION = {
	admin: { email: 'admin@clinic.test', password: 'admin password 1', name: 'Amina Admin' },
	clinic: { name: 'Shifa Family Clinic', code: 'SHF01' }
};

/**
 * The clinic of the spec file that is running, and its admin (admin of that clinic alone, so
 * signing in lands there). Each spec file gets its own, made by the `ownClinic` fixture before
 * its first test, so specs running side by side never see each other's queue, calendar or staff.
 * Read them inside tests only: the fixture fills them in when a file starts.
 */
export const ADMIN = { email: '', password: '', name: '' };
export const CLINIC = { name: '', code: '' };

/** The password of the staff the specs add; a short random tag keeps their names and emails apart. */
export const PASSWORD = 'staff password 1';
export const rand = () => randomBytes(3).toString('hex');

/**
 * Of the time zones offered, the one where it is now closest to noon. The clinic is set up in it,
 * so "today" in the specs is hours away from either midnight whenever the suite runs: a day never
 * rolls over mid-test, and today's queue and tomorrow's calendar are the days the specs expect.
 */
export function middayZone(zones: string[], now = new Date()): string {
	const forced = process.env.E2E_TIME_ZONE; // to reproduce what a given hour of the day picks
	if (forced && zones.includes(forced)) return forced;
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

/**
 * Waits until the page's script has run (the root layout marks `<html data-hydrated>`): a click on
 * a button whose work is done by script (add a row, open a dialog) does nothing before that.
 */
export async function hydrated(page: Page) {
	await expect(page.locator('html[data-hydrated]')).toBeAttached();
}

/** Fails on serious or critical accessibility violations of the current page. */
export async function expectAccessible(page: Page) {
	const results = await new AxeBuilder({ page }).analyze();
	const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}

type FileClinic = { admin: typeof ADMIN; clinic: typeof CLINIC };
/** Per worker process: the clinic made for each spec file this worker has run. */
const fileClinics = new Map<string, Promise<FileClinic>>();

/**
 * Through the app's own pages, as a person would: the installation admin creates a branch (in the
 * time zone where it is now about noon, as setup does) and adds an admin for it, who is then the
 * spec's ADMIN.
 */
async function makeFileClinic(browser: Browser): Promise<FileClinic> {
	const tag = rand().toUpperCase();
	const clinic = { name: `Shifa Clinic ${tag}`, code: `E${tag}` };
	const admin = { email: `admin-${tag.toLowerCase()}@clinic.test`, password: INSTALLATION.admin.password, name: `Amina Admin ${tag}` };
	const context = await browser.newContext();
	try {
		const page = await context.newPage();
		await signIn(page, INSTALLATION.admin.email, INSTALLATION.admin.password);
		await expect(page).toHaveURL(/\/[A-Z0-9]{3,8}$/);
		await page.goto('/clinics/new');
		await page.getByLabel('Clinic name').fill(clinic.name);
		await page.getByLabel('Short code').fill(clinic.code);
		await page.getByLabel('City').fill('Lahore');
		const timeZone = page.getByLabel('Time zone');
		await timeZone.selectOption(middayZone(await timeZone.locator('option').evaluateAll((options) => options.map((o) => o.getAttribute('value') ?? ''))));
		await page.getByRole('button', { name: 'Create branch' }).click();
		await expect(page).toHaveURL(new RegExp(`/${clinic.code}$`));
		await page.goto(`/${clinic.code}/admin/members`);
		await page.getByLabel('Full name').fill(admin.name);
		await page.getByLabel('Email').fill(admin.email);
		await page.getByLabel('Role').selectOption('admin');
		await page.getByLabel('Initial password').fill(admin.password);
		await page.getByRole('button', { name: 'Add to staff' }).click();
		await expect(page.getByRole('status')).toContainText(admin.name);
	} finally {
		await context.close();
	}
	return { admin, clinic };
}

export const test = base.extend<{ ownClinic: void }>({
	ownClinic: [
		async ({ browser }, use, testInfo) => {
			// The setup project makes the installation itself.
			if (testInfo.project.name === 'setup') return use();
			let made = fileClinics.get(testInfo.file);
			if (!made) {
				made = makeFileClinic(browser);
				fileClinics.set(testInfo.file, made);
				made.catch(() => fileClinics.delete(testInfo.file));
			}
			const { admin, clinic } = await made;
			Object.assign(ADMIN, admin);
			Object.assign(CLINIC, clinic);
			await use();
		},
		// Making the clinic takes a while on a loaded machine: its own time, not the first test's.
		{ auto: true, timeout: 90_000 }
	]
});
export { expect };
