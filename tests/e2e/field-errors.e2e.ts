import type { Page } from '@playwright/test';
import { ADMIN, CLINIC, expect, expectAccessible, pageFor, test, hydrated } from './fixtures';
import { addStaff } from './calendarHelpers';

/**
 * A refused form names every field's problem at once, beside its field, in the page's language,
 * and keeps what was typed. FIELD_SCREENSHOTS=<dir> also saves the patient form with its errors,
 * on a desktop and on a 390 px phone, in English and in Urdu.
 */

const FOUR_BAD = { dateOfBirth: '2099-01-01', age: '500', phone: 'abc', email: 'bad@' };

async function registerFourBad(page: Page, name: string) {
	await page.goto(`/${CLINIC.code}/patients/new`);
	// By id, so the same steps work whatever the page's language.
	await page.locator('#field-name').fill(name);
	for (const [field, value] of Object.entries(FOUR_BAD)) await page.locator(`#field-${field}`).fill(value);
	await page.locator('#register-form button[type="submit"]').click();
}

/** Each field says its own problem: marked invalid, with the message as its description, and with what was typed kept. */
async function expectBeside(page: Page, messages: Record<keyof typeof FOUR_BAD, string | RegExp>) {
	for (const [field, message] of Object.entries(messages)) {
		const input = page.locator(`#field-${field}`);
		await expect(page.locator(`#field-${field}-error`)).toHaveText(message);
		await expect(input).toHaveAttribute('aria-invalid', 'true');
		await expect(input).toHaveAccessibleDescription(message instanceof RegExp ? message : new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
		await expect(input).toHaveValue(FOUR_BAD[field as keyof typeof FOUR_BAD]);
	}
}

async function screenshots(page: Page, name: string, closeUp?: string) {
	const dir = process.env.FIELD_SCREENSHOTS;
	if (!dir) return;
	for (const [label, width] of [
		['desktop', 1280],
		['phone', 390]
	] as const) {
		await page.setViewportSize({ width, height: 900 });
		await page.evaluate(() => window.scrollTo(0, 0));
		await page.screenshot({ path: `${dir}/${name}-${label}.png`, fullPage: true });
		// A part close up, where the messages and their examples can be read.
		if (closeUp)
			await page
				.locator(closeUp)
				.first()
				.screenshot({ path: `${dir}/${name}-${label}-close.png` });
	}
	await page.setViewportSize({ width: 1280, height: 720 });
}

test('registering a patient with four bad values shows all four messages beside their fields, in English and in Urdu', async ({ browser }) => {
	const page = await pageFor(browser, ADMIN.email, ADMIN.password);
	await registerFourBad(page, 'Ayesha Problem');
	await expect(page.getByRole('alert')).toHaveText('Some fields need correcting. Each one says what is wrong.');
	await expectBeside(page, {
		dateOfBirth: 'The birth date cannot be in the future.',
		age: 'Age must be a whole number from 0 to 125.',
		phone: 'Enter a phone number with digits, e.g. 0300 1234567.',
		email: 'Enter an email address like name@example.com.'
	});
	// The first field to fix has the focus; nothing was registered.
	await expect(page.locator('#field-dateOfBirth')).toBeFocused();
	await expect(page).toHaveURL(new RegExp(`/${CLINIC.code}/patients/new$`));
	await expect(page.locator('#field-name')).toHaveValue('Ayesha Problem');
	await expect(page.locator('#field-name')).not.toHaveAttribute('aria-invalid', 'true');
	await expectAccessible(page);
	await screenshots(page, 'patient-errors', 'fieldset:nth-of-type(2)');

	const urdu = await pageFor(browser, ADMIN.email, ADMIN.password, 'ur');
	await registerFourBad(urdu, 'عائشہ مسئلہ');
	await expect(urdu.getByRole('alert')).toHaveText('کچھ خانے درست کرنے ہیں۔ ہر خانے کے ساتھ لکھا ہے کہ کیا غلط ہے۔');
	await expectBeside(urdu, {
		dateOfBirth: 'تاریخِ پیدائش مستقبل کی نہیں ہو سکتی۔',
		age: 'عمر 0 سے 125 تک کا کوئی پورا عدد ہونی چاہیے۔',
		phone: 'فون نمبر ہندسوں میں لکھیں، مثلاً \u200e0300 1234567۔',
		email: 'ای میل ایڈریس اس طرح لکھیں: name@example.com'
	});
	await expect(urdu.locator('#field-dateOfBirth')).toBeFocused();
	await expectAccessible(urdu);
	await screenshots(urdu, 'patient-errors-ur', 'fieldset:nth-of-type(2)');
	await urdu.context().close();
	await page.context().close();
});

test('a holiday in the past is refused in words, with the date kept, and never listed', async ({ browser }) => {
	const page = await pageFor(browser, ADMIN.email, ADMIN.password);
	await page.goto(`/${CLINIC.code}/availability`);
	const date = page.locator('#closure-date');
	const today = (await date.getAttribute('min')) ?? '';
	const yesterday = new Date(Date.parse(`${today}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
	await date.fill(yesterday);
	await page.locator('#closure-reason').fill('Gone already');
	await page.getByRole('button', { name: 'Add holiday' }).click();

	const closures = page.getByRole('region', { name: 'Clinic holidays and closed days' });
	await expect(page.locator('#closure-date-error')).toHaveText('A holiday cannot be in the past: choose today or a later date.');
	await expect(date).toHaveAttribute('aria-invalid', 'true');
	await expect(date).toHaveAccessibleDescription('A holiday cannot be in the past: choose today or a later date.');
	await expect(date).toHaveValue(yesterday);
	await expect(page.locator('#closure-reason')).toHaveValue('Gone already');
	await expect(closures.getByTestId('closure')).toHaveCount(0);
	await expect(closures.getByRole('alert')).toHaveText('Some fields need correcting. Each one says what is wrong.');
	await expectAccessible(page);
	await screenshots(page, 'closure-past', 'section[aria-labelledby="closures-title"]');

	// Today is a holiday the clinic may still close for.
	await date.fill(today);
	await page.getByRole('button', { name: 'Add holiday' }).click();
	await expect(closures.getByRole('status')).toBeVisible();
	await expect(closures.getByTestId('closure')).toHaveCount(1);
	await expect(page.locator('#closure-date-error')).toHaveCount(0);
	await page.context().close();
});

test('on the long availability form every shift says its problem, the first is focused, and an old "saved" goes', async ({ browser }) => {
	const page = await pageFor(browser, ADMIN.email, ADMIN.password);
	const doctor = await addStaff(page, 'doctor', `Dr Faiza Fields`);
	await page.goto(`/${CLINIC.code}/availability?doctor=${doctor.id}`);
	await hydrated(page);
	await page.getByRole('button', { name: 'Add hours · Monday' }).click();
	await page.getByRole('button', { name: 'Save schedule' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'Schedule saved.' })).toBeVisible();

	// Two broken days at once: Monday ends before it starts, Saturday far down the page too.
	await page.getByLabel('From · Monday').fill('15:00');
	await page.getByLabel('To · Monday').fill('10:00');
	await page.getByRole('button', { name: 'Add hours · Saturday' }).click();
	await page.getByLabel('From · Saturday').fill('18:00');
	await page.getByLabel('To · Saturday').fill('08:00');
	await page.getByRole('button', { name: 'Save schedule' }).click();

	await expect(page.getByText('Schedule saved.')).toHaveCount(0);
	await expect(page.getByRole('alert')).toHaveText('Some fields need correcting. Each one says what is wrong.');
	const shifts = page.getByTestId('shift');
	await expect(shifts.filter({ hasText: 'The end time must be after the start time.' })).toHaveCount(2);
	await expect(page.getByLabel('To · Monday')).toBeFocused();
	await expect(page.getByLabel('To · Monday')).toHaveAccessibleDescription('The end time must be after the start time.');
	await expect(page.getByLabel('To · Saturday')).toHaveAttribute('aria-invalid', 'true');
	await expectAccessible(page);
	await screenshots(page, 'availability-errors', '[data-weekday="1"]');
	await page.context().close();
});
