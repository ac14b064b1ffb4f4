import { randomBytes } from 'node:crypto';
import type { Page } from '@playwright/test';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { freshTotp } from '../totp';
import { ADMIN, CLINIC, expect, expectAccessible, rand, signIn, test } from './fixtures';

/**
 * The shared setup admin must never get 2FA (every spec signs in with it), so these tests enrol
 * patients they sign up themselves; staff enrolment is covered by the integration tests.
 */
const PATIENT_PASSWORD = 'patient password 1';

async function signUpPatient(page: Page) {
	const email = `pat-${randomBytes(5).toString('hex')}@example.test`;
	await page.goto('/signup');
	await page.getByLabel('Full name').fill('Zara Tariq');
	await page.getByLabel('Email').fill(email);
	await page.getByLabel('Password').fill(PATIENT_PASSWORD);
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page).toHaveURL(/\/me$/);
	return email;
}

/** Turns 2FA on by reading the manual key off the page, as someone typing it into an app would. */
async function enrol(page: Page) {
	await page.goto('/account/security');
	const manualKey = (await page.getByTestId('manual-key').textContent()) ?? '';
	expect(manualKey).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/);
	const key = decodeBase32IgnorePadding(manualKey.replace(/\s/g, ''));
	await page.getByLabel('6-digit code').fill(await freshTotp(key));
	await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
	await expect(page.getByTestId('recovery-codes').locator('code')).toHaveCount(10);
	const codes = await page.getByTestId('recovery-codes').locator('code').allTextContents();
	expect(codes).toHaveLength(10);
	return { key, codes };
}

async function signOut(page: Page) {
	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page).toHaveURL(/\/login\?signedOut=1$/);
}

test('a patient turns on 2FA, then signs in with a TOTP code and with a recovery code once', async ({ page }) => {
	const email = await signUpPatient(page);
	await page.goto('/account/security');
	await expect(page.getByRole('img', { name: 'QR code that adds Tabeeb to your authenticator app' })).toBeVisible();
	await expectAccessible(page);

	// A wrong code is refused and 2FA stays off.
	await page.getByLabel('6-digit code').fill('000000');
	await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
	await expect(page.getByLabel('6-digit code')).toHaveAccessibleDescription(/That code is not right/);
	await expect(page.getByText('Off', { exact: true })).toBeVisible();

	const { key, codes } = await enrol(page);
	await expect(page.getByRole('status').first()).toContainText('Two-factor authentication is on');
	await expect(page.getByRole('link', { name: 'Download (.txt)' })).toHaveAttribute('download', 'tabeeb-recovery-codes.txt');
	await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
	await page.getByRole('button', { name: 'Copy' }).click();
	await expect(page.getByRole('button', { name: 'Copied' })).toBeVisible();
	expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(codes.join('\n'));
	// Printed, the page shows the codes and hides the navigation.
	await page.emulateMedia({ media: 'print' });
	await expect(page.locator('#main-nav')).toHaveCSS('visibility', 'hidden');
	await expect(page.getByTestId('recovery-codes')).toHaveCSS('visibility', 'visible');
	await page.emulateMedia({ media: 'screen' });
	await expectAccessible(page);
	await page.getByRole('link', { name: 'I have saved them' }).click();
	await expect(page.getByText('On', { exact: true })).toBeVisible();
	await expect(page.getByText('Unused recovery codes: 10 of 10')).toBeVisible();
	// The codes are shown once: a reload no longer lists them.
	await expect(page.getByTestId('recovery-codes')).toHaveCount(0);

	await signOut(page);
	await signIn(page, email, PATIENT_PASSWORD);
	await expect(page).toHaveURL(/\/login\/two-factor$/);
	await expectAccessible(page);
	// Nothing else opens before the second step.
	await page.goto('/me');
	await expect(page).toHaveURL(/\/login\/two-factor$/);
	await page.getByLabel('Code').fill('123456');
	await page.getByRole('button', { name: 'Verify and continue' }).click();
	await expect(page.getByLabel('Code')).toHaveAccessibleDescription(/That code is not right/);
	await expect(page.getByLabel('Code')).toHaveAttribute('aria-invalid', 'true');
	await page.getByLabel('Code').fill(await freshTotp(key));
	await page.getByRole('button', { name: 'Verify and continue' }).click();
	await expect(page).toHaveURL(/\/me$/);

	await signOut(page);
	await signIn(page, email, PATIENT_PASSWORD);
	await page.getByLabel('Code').fill(codes[0].toLowerCase());
	await page.getByRole('button', { name: 'Verify and continue' }).click();
	await expect(page).toHaveURL(/\/me$/);

	await signOut(page);
	await signIn(page, email, PATIENT_PASSWORD);
	await page.getByLabel('Code').fill(codes[0]);
	await page.getByRole('button', { name: 'Verify and continue' }).click();
	await expect(page.getByLabel('Code')).toHaveAccessibleDescription(/That code is not right/);

	// Start over signs out of the half-finished session.
	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page).toHaveURL(/\/login\?signedOut=1$/);
});

test('a patient makes new recovery codes, turns 2FA off, and changes their password', async ({ page }) => {
	const email = await signUpPatient(page);
	const { key, codes } = await enrol(page);
	await page.getByRole('link', { name: 'I have saved them' }).click();

	await page.getByLabel('Code from your app, or a recovery code').first().fill('000000');
	await page.getByRole('button', { name: 'Make new recovery codes' }).click();
	await expect(page.locator('#regenerate-code')).toHaveAccessibleDescription(/That code is not right/);
	await page
		.getByLabel('Code from your app, or a recovery code')
		.first()
		.fill(await freshTotp(key));
	await page.getByRole('button', { name: 'Make new recovery codes' }).click();
	await expect(page.getByTestId('recovery-codes').locator('code')).toHaveCount(10);
	const fresh = await page.getByTestId('recovery-codes').locator('code').allTextContents();
	expect(fresh).toHaveLength(10);
	expect(fresh).not.toContain(codes[0]);
	await page.getByRole('link', { name: 'I have saved them' }).click();

	// Turning off works with a recovery code, for someone who lost their phone.
	await page.locator('#disable-code').fill(fresh[0]);
	await page.getByRole('button', { name: 'Turn off' }).click();
	await expect(page.getByRole('status').first()).toContainText('Two-factor authentication is off');
	await expect(page.getByRole('button', { name: 'Turn on two-factor authentication' })).toBeVisible();

	// Password: the wrong current one is refused in words that say which field is wrong.
	await page.getByLabel('Current password').fill('not my password');
	await page.getByLabel('New password').fill('a brand new password');
	await page.getByRole('button', { name: 'Change password' }).click();
	await expect(page.getByLabel('Current password')).toHaveAccessibleDescription(/Your current password is not right/);
	await page.getByLabel('Current password').fill(PATIENT_PASSWORD);
	await page.getByLabel('New password').fill('a brand new password');
	await page.getByRole('button', { name: 'Change password' }).click();
	// The session that changed it stays signed in (every other one ended).
	await expect(page).toHaveURL(/\/account\/security/);
	await expect(page.getByRole('status').filter({ hasText: 'Your password was changed' })).toBeVisible();
	await signOut(page);

	await signIn(page, email, PATIENT_PASSWORD);
	await expect(page.getByRole('alert')).toContainText('Wrong email or password');
	await signIn(page, email, 'a brand new password');
	await expect(page).toHaveURL(/\/me$/);
});

test('the security page and the second step work on a phone in Urdu', async ({ browser }) => {
	const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
	const page = await context.newPage();
	const email = await signUpPatient(page);
	const { key } = await enrol(page);
	await page.getByRole('link', { name: 'I have saved them' }).click();
	await page.getByRole('button', { name: 'Menu' }).click();
	await page.getByRole('button', { name: 'Switch the language to Urdu' }).click();
	await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('اکاؤنٹ کی حفاظت');
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(overflow).toBeLessThanOrEqual(0);
	await expectAccessible(page);

	await page.getByRole('button', { name: 'مینو' }).click();
	await page.getByRole('button', { name: 'سائن آؤٹ' }).click();
	await signIn(page, email, PATIENT_PASSWORD);
	await expect(page).toHaveURL(/\/login\/two-factor$/);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('دو مرحلہ سائن ان');
	await page.getByLabel('کوڈ', { exact: true }).fill(await freshTotp(key));
	await page.getByRole('button', { name: 'تصدیق کریں اور آگے بڑھیں' }).click();
	await expect(page).toHaveURL(/\/me$/);
	await context.close();
});

test('a staff member enrols 2FA from their clinic, and after an admin reset must choose a new password first', async ({ page }) => {
	// Three TOTP codes, each accepted once: the third may wait for the next 30-second step.
	const member = { name: `Rida Receptionist ${rand()}`, email: `rida-${randomBytes(5).toString('hex')}@clinic.test` };
	await signIn(page, ADMIN.email, ADMIN.password);
	await expect(page).toHaveURL(new RegExp(`/${CLINIC.code}$`));
	await page.goto(`/${CLINIC.code}/admin/members`);
	await page.getByLabel('Full name').fill(member.name);
	await page.getByLabel('Email').fill(member.email);
	await page.getByLabel('Role').selectOption('reception');
	await page.getByLabel('Initial password').fill('first password 1');
	await page.getByRole('button', { name: 'Add to staff' }).click();
	await expect(page.getByRole('row', { name: new RegExp(member.name) })).toBeVisible();
	await signOut(page);

	// The staff member's security page sits in their clinic's navigation.
	await signIn(page, member.email, 'first password 1');
	await expect(page).toHaveURL(new RegExp(`/${CLINIC.code}$`));
	await page.getByRole('link', { name: 'Account security' }).click();
	await expect(page.getByRole('link', { name: 'Home' })).toHaveAttribute('href', `/${CLINIC.code}`);
	const { key } = await enrol(page);
	await signOut(page);

	await signIn(page, ADMIN.email, ADMIN.password);
	await expect(page).toHaveURL(new RegExp(`/${CLINIC.code}$`));
	await page.goto(`/${CLINIC.code}/admin/members`);
	await page
		.getByRole('row', { name: new RegExp(member.name) })
		.getByRole('link', { name: member.name })
		.click();
	await page.locator('#reset-password').fill('given password 1');
	await page.getByRole('button', { name: 'Reset password' }).click();
	await expect(page.getByRole('status')).toBeVisible();
	await signOut(page);

	// Password, then the second factor, then the forced change before anything else opens.
	await signIn(page, member.email, 'given password 1');
	await expect(page).toHaveURL(/\/login\/two-factor$/);
	await page.getByLabel('Code').fill(await freshTotp(key));
	await page.getByRole('button', { name: 'Verify and continue' }).click();
	await expect(page).toHaveURL(/\/account\/password$/);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Choose a new password');
	await expectAccessible(page);
	await page.goto(`/${CLINIC.code}`);
	await expect(page).toHaveURL(/\/account\/password$/);

	await page.getByLabel('Password you were given').fill('given password 1');
	await page.getByLabel('New password').fill('given password 1');
	await page.getByRole('button', { name: 'Change password' }).click();
	await expect(page.getByLabel('New password')).toHaveAccessibleDescription(/different from the current one/);
	await page.getByLabel('Password you were given').fill('given password 1');
	await page.getByLabel('New password').fill('only rida knows');
	await page.getByRole('button', { name: 'Change password' }).click();
	// The session that chose it goes straight on to the clinic.
	await expect(page).toHaveURL(new RegExp(`/${CLINIC.code}$`));
	await signOut(page);

	await signIn(page, member.email, 'only rida knows');
	await page.getByLabel('Code').fill(await freshTotp(key));
	await page.getByRole('button', { name: 'Verify and continue' }).click();
	await expect(page).toHaveURL(new RegExp(`/${CLINIC.code}$`));
});
