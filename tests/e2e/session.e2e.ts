import { ADMIN, CLINIC, expect, signIn, test } from './fixtures';

test('a signed-out visitor is sent to sign in and then back to the page they asked for', async ({ page }) => {
	await page.goto(`/${CLINIC.code}/admin/members`);
	await expect(page).toHaveURL(/\/login\?next=/);
	await page.getByLabel('Email').fill(ADMIN.email);
	await page.getByLabel('Password').fill(ADMIN.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page).toHaveURL(new RegExp(`/${CLINIC.code}/admin/members$`));
});

test('signing out ends the session and clears the browser’s offline copies', async ({ page }) => {
	await signIn(page, ADMIN.email, ADMIN.password);
	await expect(page).toHaveURL(new RegExp(`/${CLINIC.code}$`));
	const [logout] = await Promise.all([
		page.waitForResponse((r) => r.url().endsWith('/logout') && r.request().method() === 'POST'),
		page.getByRole('button', { name: 'Sign out' }).click()
	]);
	expect(logout.status()).toBe(303);
	expect((await logout.allHeaders())['clear-site-data']).toBe('"storage"');
	await expect(page).toHaveURL(/\/login\?signedOut=1$/);
	await expect(page.getByRole('status')).toHaveText('You are signed out.');
	await page.goto(`/${CLINIC.code}`);
	await expect(page).toHaveURL(/\/login/);
});
