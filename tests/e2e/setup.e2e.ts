import { expect, expectAccessible, INSTALLATION, middayZone, signIn, test } from './fixtures';

const { admin: ADMIN, clinic: CLINIC } = INSTALLATION;

test('first visit opens setup, creates the clinic and admin, then setup is closed for good', async ({ page }) => {
	await page.goto('/');
	await expect(page).toHaveURL(/\/setup$/);
	await expectAccessible(page);

	// A first try with three mistakes: each is told beside its field at once, the first is focused, nothing is set up.
	await page.getByLabel('Short code').fill('AB');
	await page.getByLabel('Email').fill('admin@');
	await page.getByLabel('Password').fill('short');
	await page.getByRole('button', { name: 'Create clinic' }).click();
	await expect(page.getByRole('alert')).toHaveText('Some fields need correcting. Each one says what is wrong.');
	for (const [id, message] of [
		['field-clinicName', 'This field is required.'],
		['field-code', 'Use 3 to 8 letters or digits (A–Z, 0–9), no spaces, e.g. ABC01.'],
		['field-city', 'This field is required.'],
		['field-adminName', 'This field is required.'],
		['field-email', 'Enter an email address like name@example.com.'],
		['field-password', 'Use a password of 10 to 200 characters.']
	]) {
		await expect(page.locator(`#${id}-error`)).toHaveText(message);
		await expect(page.locator(`#${id}`)).toHaveAttribute('aria-invalid', 'true');
	}
	await expect(page.locator('#field-clinicName')).toBeFocused();
	await expect(page.getByLabel('Short code')).toHaveValue('AB');
	await expect(page).toHaveURL(/\/setup$/);
	const shots = process.env.FIELD_SCREENSHOTS;
	if (shots) await page.screenshot({ path: `${shots}/setup-errors-desktop.png`, fullPage: true });

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
