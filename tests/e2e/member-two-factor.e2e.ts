import { randomBytes } from 'node:crypto';
import type { Browser, Page } from '@playwright/test';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { freshTotp } from '../totp';
import { ADMIN, CLINIC, expect, expectAccessible, pageFor, rand, signIn, test } from './fixtures';

const SHOTS = process.env.E2E_SHOTS_DIR;

/** The member turns 2FA on from their security page, reading the key off it as someone typing it into an app would. */
async function enrol(page: Page) {
	await page.goto('/account/security');
	const manualKey = (await page.getByTestId('manual-key').textContent()) ?? '';
	await page.getByLabel('6-digit code').fill(await freshTotp(decodeBase32IgnorePadding(manualKey.replace(/\s/g, ''))));
	await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
	await expect(page.getByTestId('recovery-codes').locator('code')).toHaveCount(10);
}

async function memberPage(browser: Browser, email: string, password: string) {
	const page = await (await browser.newContext()).newPage();
	await signIn(page, email, password);
	await expect(page).toHaveURL(new RegExp(`/${CLINIC.code}$`));
	return page;
}

test('an admin resets a staff member’s lost two-factor authentication after confirming; the member is signed out and signs in with the password', async ({
	browser
}) => {
	const member = { name: `Hina Doctor ${rand()}`, email: `hina-${randomBytes(5).toString('hex')}@clinic.test`, password: 'hina password 1' };
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	await admin.goto(`/${CLINIC.code}/admin/members`);
	await admin.getByLabel('Full name').fill(member.name);
	await admin.getByLabel('Email').fill(member.email);
	await admin.getByLabel('Role').selectOption('doctor');
	await admin.getByLabel('Initial password').fill(member.password);
	await admin.getByRole('button', { name: 'Add to staff' }).click();
	await expect(admin.getByRole('row', { name: new RegExp(member.name) })).toBeVisible();

	const phone = await memberPage(browser, member.email, member.password);
	await enrol(phone);

	// The admin's own page offers no reset: their own second factor is turned off with a code.
	await admin.getByRole('link', { name: ADMIN.name }).first().click();
	await expect(admin.getByTestId('member-two-factor')).toContainText('You manage your own two-factor authentication');
	await expect(admin.getByText('Reset two-factor authentication')).toHaveCount(0);

	await admin.goto(`/${CLINIC.code}/admin/members`);
	await admin
		.getByRole('row', { name: new RegExp(member.name) })
		.getByRole('link', { name: member.name })
		.click();
	const section = admin.getByTestId('member-two-factor');
	await section.getByText('Reset two-factor authentication').click();
	const submit = section.getByRole('button', { name: `Yes, turn off two-factor authentication for ${member.name}` });
	// Without the confirmation nothing is sent.
	await submit.click();
	await expect(section.getByRole('checkbox')).toHaveJSProperty('validity.valueMissing', true);
	if (SHOTS) await section.screenshot({ path: `${SHOTS}/reset-confirm-en.png` });
	await expectAccessible(admin);
	await section.getByLabel(`I have made sure this request really comes from ${member.name}`, { exact: false }).check();
	await submit.click();
	await expect(section.getByRole('status')).toHaveText(`Two-factor authentication is off for ${member.name}. They have been signed out everywhere.`);
	await expect(admin.getByText('Two-factor: Off')).toBeVisible();
	await expect(section).toContainText(`${member.name} does not use two-factor authentication.`);
	if (SHOTS) await admin.screenshot({ path: `${SHOTS}/reset-done-en.png`, fullPage: true });

	// The member's session ended; the password alone signs them in now.
	await phone.goto(`/${CLINIC.code}`);
	await expect(phone).toHaveURL(/\/login/);
	await signIn(phone, member.email, member.password);
	await expect(phone).toHaveURL(new RegExp(`/${CLINIC.code}$`));

	// Again in Urdu, on a phone: the member enrols a new key, the admin resets it.
	await enrol(phone);
	const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
	await context.addCookies([{ name: 'PARAGLIDE_LOCALE', value: 'ur', url: 'http://localhost' }]);
	const urdu = await context.newPage();
	await signIn(urdu, ADMIN.email, ADMIN.password);
	await expect(urdu).toHaveURL(new RegExp(`/${CLINIC.code}$`));
	await urdu.goto(`/${CLINIC.code}/admin/members`);
	await urdu.getByRole('link', { name: member.name }).first().click();
	await expect(urdu.locator('html')).toHaveAttribute('dir', 'rtl');
	const urduSection = urdu.getByTestId('member-two-factor');
	await urduSection.getByText('دو مرحلہ تصدیق دوبارہ ترتیب دیں').click();
	await urduSection.getByRole('checkbox').check();
	await urduSection.scrollIntoViewIfNeeded();
	if (SHOTS) await urdu.screenshot({ path: `${SHOTS}/reset-confirm-ur-phone.png` });
	const overflow = await urdu.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(overflow).toBeLessThanOrEqual(0);
	await expectAccessible(urdu);
	await urduSection.getByRole('button', { name: `جی ہاں، ${member.name} کی دو مرحلہ تصدیق بند کریں` }).click();
	await expect(urduSection.getByRole('status')).toContainText('انہیں ہر جگہ سے سائن آؤٹ کر دیا گیا ہے');
	if (SHOTS) await urdu.screenshot({ path: `${SHOTS}/reset-done-ur-phone.png` });
	await context.close();
});
