import type { Page } from '@playwright/test';
import { ADMIN, CLINIC, PASSWORD, expect, expectAccessible, pageFor, test } from './fixtures';
import { addStaff } from './calendarHelpers';

/**
 * The new-clinic form and the doctor profile name every field's problem at once, beside the
 * field, in the page's language; the first is focused and an old "saved" notice goes.
 * FIELD_SCREENSHOTS=<dir> saves them on a desktop and a 390 px phone, in English and Urdu.
 */

async function screenshots(page: Page, name: string) {
	const dir = process.env.FIELD_SCREENSHOTS;
	if (!dir) return;
	for (const [label, width, height] of [
		['desktop', 1280, 900],
		['phone', 390, 844]
	] as const) {
		await page.setViewportSize({ width, height });
		await page.screenshot({ path: `${dir}/${name}-${label}.png`, fullPage: true });
	}
	await page.setViewportSize({ width: 1280, height: 720 });
}

/** The control with this id is marked invalid and described by exactly this message. */
async function expectBeside(page: Page, id: string, message: string) {
	await expect(page.locator(`#${id}-error`)).toHaveText(message);
	await expect(page.locator(`#${id}`)).toHaveAttribute('aria-invalid', 'true');
	await expect(page.locator(`#${id}`)).toHaveAccessibleDescription(new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
}

async function sendBadBranch(page: Page) {
	await page.goto('/clinics/new');
	await page.locator('#field-name').fill('');
	await page.locator('#field-code').fill('A B');
	await page.locator('#field-state').fill('Punjab');
	await page.locator('#field-city').fill('');
	await page.locator('form:has(#field-code) button[type="submit"]').click();
}

test('a new clinic with three bad fields shows the three messages beside them, in English and in Urdu, and creates nothing', async ({ browser }) => {
	const page = await pageFor(browser, ADMIN.email, ADMIN.password);
	await sendBadBranch(page);
	await expect(page.getByRole('alert')).toHaveText('Some fields need correcting. Each one says what is wrong.');
	await expectBeside(page, 'field-name', 'This field is required.');
	await expectBeside(page, 'field-code', 'Use 3 to 8 letters or digits (A–Z, 0–9), no spaces, e.g. ABC01.');
	await expectBeside(page, 'field-city', 'This field is required.');
	await expect(page.locator('#field-name')).toBeFocused();
	// What was typed stays; the fields without a problem are not marked.
	await expect(page.locator('#field-code')).toHaveValue('A B');
	await expect(page.locator('#field-state')).toHaveValue('Punjab');
	await expect(page.locator('#field-state')).not.toHaveAttribute('aria-invalid', 'true');
	await expect(page.locator('#field-country')).not.toHaveAttribute('aria-invalid', 'true');
	await expect(page).toHaveURL(/\/clinics\/new$/);
	await expectAccessible(page);
	await screenshots(page, 'new-clinic-errors');

	const urdu = await pageFor(browser, ADMIN.email, ADMIN.password, 'ur');
	await sendBadBranch(urdu);
	await expect(urdu.getByRole('alert')).toHaveText('کچھ خانے درست کرنے ہیں۔ ہر خانے کے ساتھ لکھا ہے کہ کیا غلط ہے۔');
	await expectBeside(urdu, 'field-name', 'یہ خانہ ضروری ہے۔');
	await expectBeside(urdu, 'field-code', '3 سے 8 حروف یا ہندسے (A–Z، 0–9) لکھیں، بغیر وقفے کے، مثلاً \u200eABC01۔');
	await expectBeside(urdu, 'field-city', 'یہ خانہ ضروری ہے۔');
	await expect(urdu.locator('#field-name')).toBeFocused();
	await expectAccessible(urdu);
	await screenshots(urdu, 'new-clinic-errors-ur');
	await urdu.context().close();
	await page.context().close();
});

test('a doctor’s profile names a bad fee and a too-long specialization at once, and an old "saved" goes', async ({ browser }) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const doctor = await addStaff(admin, 'doctor', 'Dr Hina Profile');
	await admin.context().close();

	for (const locale of [undefined, 'ur'] as const) {
		const page = await pageFor(browser, doctor.email, PASSWORD, locale);
		await page.goto(`/${CLINIC.code}/profile`);
		await page.locator('#field-specialization').fill('Cardiology');
		await page.locator('form:has(#field-specialization) button[type="submit"]').click();
		const saved = locale ? 'ڈاکٹر پروفائل محفوظ ہو گیا۔' : 'Doctor profile saved.';
		await expect(page.getByRole('status').filter({ hasText: saved })).toBeVisible();

		// The browser's own length limit is left out, as a script or an old browser would send it.
		await page.locator('#field-specialization').evaluate((input) => input.removeAttribute('maxlength'));
		await page.locator('#field-specialization').fill('x'.repeat(121));
		await page.locator('#field-consultationFee').fill('fifteen hundred');
		await page.locator('form:has(#field-specialization) button[type="submit"]').click();

		await expect(page.getByText(saved)).toHaveCount(0);
		if (locale) {
			await expectBeside(page, 'field-specialization', 'بہت طویل: زیادہ سے زیادہ 120 حروف۔');
			await expectBeside(page, 'field-consultationFee', 'رقم ہندسوں میں لکھیں، زیادہ سے زیادہ 2 اعشاری ہندسوں کے ساتھ، مثلاً \u200e1500.50۔');
		} else {
			await expectBeside(page, 'field-specialization', 'Too long: at most 120 characters.');
			await expectBeside(page, 'field-consultationFee', 'Write the amount in digits, with at most 2 decimals, e.g. 1500.50.');
		}
		await expect(page.locator('#field-specialization')).toBeFocused();
		await expect(page.locator('#field-consultationFee')).toHaveValue('fifteen hundred');
		await expectAccessible(page);
		await screenshots(page, `doctor-profile-errors${locale ? '-ur' : ''}`);
		await page.context().close();
	}
});
