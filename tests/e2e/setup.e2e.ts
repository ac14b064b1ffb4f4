import { expect, expectAccessible, INSTALLATION, middayZone, signIn, test } from './fixtures';

const { admin: ADMIN, clinic: CLINIC } = INSTALLATION;

test('first visit opens setup, creates the clinic and admin, then setup is closed for good', async ({ page }) => {
	await page.goto('/');
	await expect(page).toHaveURL(/\/setup$/);
	await expectAccessible(page);
	await page.getByLabel('Clinic name').fill(CLINIC.name);
	await page.getByLabel('Short code').fill(CLINIC.code);
	await page.getByLabel('City').fill('Lahore');
	// A clinic where it is about noon now, so no spec sees its clinic's day change under it.
	const timeZone = page.getByLabel('Time zone');
	await timeZone.selectOption(middayZone(await timeZone.locator('option').evaluateAll((options) => options.map((o) => o.getAttribute('value') ?? ''))));
	await page.getByLabel('Full name').fill(ADMIN.name);
	await page.getByLabel('Email').fill(ADMIN.email);
	await page.getByLabel('Password').fill(ADMIN.password);
	await page.getByRole('button', { name: 'Create clinic' }).click();
	await expect(page).toHaveURL(/\/login\?setup=1/);
	await expect(page.getByRole('status')).toContainText('Tabeeb is set up');

	await page.goto('/setup');
	await expect(page).toHaveURL(/\/login/);

	await signIn(page, ADMIN.email, ADMIN.password);
	await expect(page).toHaveURL(new RegExp(`/${CLINIC.code}$`));
	await expect(page.getByRole('heading', { level: 1 })).toContainText(CLINIC.name);
	await expectAccessible(page);
});
