import type { Browser, Page } from '@playwright/test';
import { ADMIN, CLINIC, expect, expectAccessible, pageFor, rand, test } from './fixtures';
import { addPatient, addStaff, bookAt, setFullWeek, tomorrow } from './calendarHelpers';

const api = () => `/api/v1/clinics/${CLINIC.code}`;

/** With HISTORY_SCREENSHOTS=<dir>, keeps a picture of the page for review. */
async function screenshot(page: Page, name: string) {
	const dir = process.env.HISTORY_SCREENSHOTS;
	if (dir) await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
}

/** A phone in the given language, signed up as the record's patient and linked to it; on /me. */
async function patientPhone(browser: Browser, admin: Page, record: { id: string; name: string }, locale: 'en' | 'ur') {
	const code = (await (await admin.request.post(`${api()}/patients/${record.id}/link-code`)).json()).code as string;
	const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
	await context.addCookies([{ name: 'PARAGLIDE_LOCALE', value: locale, url: 'http://localhost' }]);
	const phone = await context.newPage();
	await phone.goto('/signup');
	await phone.locator('input[name=name]').fill(record.name);
	await phone.locator('input[name=email]').fill(`live-${rand()}@example.test`);
	await phone.locator('input[name=password]').fill('patient password 1');
	await phone.locator('form button.btn-block[type=submit]').click();
	await expect(phone).toHaveURL(/\/me$/);
	await phone.locator('form[action="?/link"] input[name=code]').fill(code);
	await phone.locator('form[action="?/link"] button[type=submit]').click();
	await expect(phone.getByTestId('my-clinics')).toContainText(CLINIC.name);
	return { phone, context };
}

const words = {
	en: { cancelled: 'Cancelled by the clinic', reason: 'Reason: Doctor called to an emergency', confirmed: 'Confirmed' },
	ur: { cancelled: 'کلینک نے منسوخ کر دی', reason: 'وجہ: Doctor called to an emergency', confirmed: 'تصدیق شدہ' }
};

for (const locale of ['en', 'ur'] as const) {
	test(`a patient’s phone (${locale}) shows the desk’s confirmation and cancellation, with the reason, without reloading`, async ({ browser }) => {
		const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
		const doctor = await addStaff(admin, 'doctor', `Dr Live ${rand()}`);
		await setFullWeek(admin, doctor.id);
		const record = await addPatient(admin, `Live Patient ${rand()}`);
		const day = await tomorrow(admin);
		const booked = await bookAt(admin, record.id, doctor.id, day, '10:00');
		const { phone, context } = await patientPhone(browser, admin, record, locale);

		const list = phone.getByTestId('my-appointments');
		const mine = list.getByTestId('my-appointment');
		await expect(mine).toHaveCount(1);
		await expect(list.locator('[data-state="live"]')).toBeVisible();
		const status = await mine.getAttribute('data-status');
		if (status === 'requested') {
			// The desk confirms the request: the phone's badge follows.
			expect((await admin.request.post(`${api()}/appointments/${booked.id}/confirm`, { data: {} })).status()).toBe(200);
			await expect(mine).toHaveAttribute('data-status', 'confirmed');
		}
		await expect(mine).toContainText(words[locale].confirmed);

		// The desk, in its own browser, cancels with a reason; the phone says so, and why, without a reload.
		const cancelled = await admin.request.post(`${api()}/appointments/${booked.id}/cancel`, {
			data: { reason: 'Doctor called to an emergency', idempotencyKey: crypto.randomUUID() }
		});
		expect(cancelled.status(), await cancelled.text()).toBe(200);
		await expect(mine).toHaveAttribute('data-status', 'cancelled');
		await expect(mine.getByTestId('my-appointment-cancelled')).toContainText(words[locale].cancelled);
		await expect(mine.getByTestId('my-appointment-cancelled')).toContainText(words[locale].reason);
		await expectAccessible(phone);
		const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
		expect(overflow).toBeLessThanOrEqual(0);
		await screenshot(phone, `me-cancelled-by-clinic-${locale}`);
		await context.close();
	});
}

test('the patient page shows the record’s appointments and queue history, books through the calendar and checks the patient in', async ({ browser }) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const doctor = await addStaff(admin, 'doctor', `Dr History ${rand()}`);
	await setFullWeek(admin, doctor.id);
	const record = await addPatient(admin, `History Patient ${rand()}`);
	const day = await tomorrow(admin);
	await bookAt(admin, record.id, doctor.id, day, '11:00');

	await admin.goto(`/${CLINIC.code}/patients/${record.id}`);
	const appointments = admin.getByTestId('patient-appointments');
	await expect(appointments.getByTestId('patient-appointment')).toHaveCount(1);
	await expect(appointments).toContainText(doctor.name);
	await expect(admin.getByTestId('patient-queue-history')).toContainText('Never checked in.');
	await screenshot(admin, 'patient-history-before');

	// Book: the calendar opens its booking with this patient already picked.
	await appointments.getByRole('link', { name: 'Book' }).click();
	await expect(admin).toHaveURL(new RegExp(`/calendar\\?patient=${record.id}`));
	await expect(admin.getByTestId('booking-dialog')).toBeVisible();
	await expect(admin.getByTestId('booking-dialog')).toContainText(record.name);
	await admin.keyboard.press('Escape');

	// Check in as a walk-in with the doctor: the page shows the token in its history and today's line.
	await admin.goto(`/${CLINIC.code}/patients/${record.id}`);
	const walkIn = admin.getByTestId('walk-in-check-in');
	await walkIn.getByLabel('Doctor').selectOption(doctor.id);
	await walkIn.getByRole('button', { name: 'Check in as a walk-in' }).click();
	await expect(appointments.getByRole('status')).toContainText('Checked in: token');
	const tokens = admin.getByTestId('patient-queue-history').getByTestId('patient-token');
	await expect(tokens).toHaveCount(1);
	await expect(tokens).toHaveAttribute('data-status', 'waiting');
	await expect(tokens).toContainText(doctor.name);
	await expect(admin.getByTestId('walk-in-check-in')).toHaveCount(0);
	await expectAccessible(admin);
	await screenshot(admin, 'patient-history-after');

	// The same page on a phone, in Urdu.
	const urdu = await pageFor(browser, ADMIN.email, ADMIN.password, 'ur');
	await urdu.setViewportSize({ width: 390, height: 844 });
	await urdu.goto(`/${CLINIC.code}/patients/${record.id}`);
	await expect(urdu.getByTestId('patient-queue-history')).toContainText('قطار کی تاریخ');
	await expect(urdu.getByTestId('patient-appointment')).toHaveCount(1);
	const overflow = await urdu.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(overflow).toBeLessThanOrEqual(0);
	await screenshot(urdu, 'patient-history-ur-phone');
});
