import { randomBytes } from 'node:crypto';
import { ADMIN, CLINIC, expect, expectAccessible, signIn, test } from './fixtures';

const email = () => `pat-${randomBytes(5).toString('hex')}@example.test`;

test('a patient signs up on a phone, lands on their home, and reads it in Urdu right to left', async ({ browser }) => {
	const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
	const page = await context.newPage();
	await page.goto('/login');
	await page.getByRole('link', { name: 'Create one' }).click();
	await expect(page).toHaveURL(/\/signup$/);
	await expectAccessible(page);

	const address = email();
	await page.getByLabel('Full name').fill('Hina Baig');
	await page.getByLabel('Email').fill(address);
	await page.getByLabel('Password').fill('my long password');
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page).toHaveURL(/\/me$/);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hello, Hina Baig');
	await expect(page.getByRole('link', { name: 'Add two-factor authentication' })).toHaveAttribute('href', '/account/security');
	await expectAccessible(page);

	// The menu on a phone holds the navigation and the language switch.
	await page.getByRole('button', { name: 'Menu' }).click();
	await expect(page.getByRole('link', { name: 'My health' })).toHaveAttribute('aria-current', 'page');
	await page.getByRole('button', { name: 'Switch the language to Urdu' }).click();
	const html = page.locator('html');
	await expect(html).toHaveAttribute('lang', 'ur');
	await expect(html).toHaveAttribute('dir', 'rtl');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('السلام علیکم، Hina Baig');
	const font = await page.locator('h1').evaluate((el) => getComputedStyle(el).fontFamily);
	expect(font).toContain('Noto Nastaliq Urdu');
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(overflow).toBeLessThanOrEqual(0);
	await expectAccessible(page);
	await context.close();
});

test('sign-up refuses an email already in use and keeps what was typed, without the password', async ({ page }) => {
	const address = email();
	await page.goto('/signup');
	await page.getByLabel('Full name').fill('First Person');
	await page.getByLabel('Email').fill(address);
	await page.getByLabel('Password').fill('my long password');
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page).toHaveURL(/\/me$/);
	await page.getByRole('button', { name: 'Sign out' }).click();

	await page.goto('/signup');
	await page.getByLabel('Full name').fill('<script>alert(1)</script>');
	await page.getByLabel('Email').fill(address.toUpperCase());
	await page.getByLabel('Password').fill('another long password');
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page.getByLabel('Email')).toHaveAccessibleDescription(/already registered/);
	await expect(page).toHaveURL(/\/signup$/);
	await expect(page.getByLabel('Full name')).toHaveValue('<script>alert(1)</script>');
	await expectAccessible(page);

	// A script-looking name is stored and shown as plain text.
	await page.getByLabel('Email').fill(email());
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page).toHaveURL(/\/me$/);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hello, <script>alert(1)</script>');
});

test('patients cannot open clinic pages, and staff visiting /me go to their clinic', async ({ page }) => {
	await page.goto('/signup');
	await page.getByLabel('Full name').fill('Curious Patient');
	await page.getByLabel('Email').fill(email());
	await page.getByLabel('Password').fill('my long password');
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page).toHaveURL(/\/me$/);
	const clinic = await page.goto(`/${CLINIC.code}`);
	expect(clinic?.status()).toBe(404);
	await page.goto('/');
	await expect(page).toHaveURL(/\/me$/);
	await page.getByRole('button', { name: 'Sign out' }).click();

	await signIn(page, ADMIN.email, ADMIN.password);
	await expect(page).toHaveURL(new RegExp(`/${CLINIC.code}$`));
	await page.goto('/me');
	await expect(page).toHaveURL(new RegExp(`/${CLINIC.code}$`));
	// A signed-in person does not see the sign-up form.
	await page.goto('/signup');
	await expect(page).toHaveURL(new RegExp(`/${CLINIC.code}$`));
});
