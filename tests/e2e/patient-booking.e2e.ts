import type { Page } from '@playwright/test';
import { ADMIN, CLINIC, expect, expectAccessible, pageFor, rand, test } from './fixtures';
import { addPatient, addStaff, setFullWeek, tomorrow, waitLive } from './calendarHelpers';

const api = () => `/api/v1/clinics/${CLINIC.code}`;

/** With BOOKING_SCREENSHOTS=<dir>, keeps a phone picture of the page for review. */
async function screenshot(page: Page, name: string) {
	const dir = process.env.BOOKING_SCREENSHOTS;
	if (dir) await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
}

test('a patient on a phone, in Urdu, asks for a free time, sees it on their home and the desk’s calendar, adds it to their calendar and cancels it', async ({
	browser
}) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const doctor = await addStaff(admin, 'doctor', `Dr Booking ${rand()}`);
	await setFullWeek(admin, doctor.id);
	const record = await addPatient(admin, `Nadia Booking ${rand()}`);
	const code = (await (await admin.request.post(`${api()}/patients/${record.id}/link-code`)).json()).code as string;
	const day = await tomorrow(admin);

	const phoneContext = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
	await phoneContext.addCookies([{ name: 'PARAGLIDE_LOCALE', value: 'ur', url: 'http://localhost' }]);
	const phone = await phoneContext.newPage();
	await phone.goto('/signup');
	await phone.locator('input[name=name]').fill(record.name);
	await phone.locator('input[name=email]').fill(`nadia-${rand()}@example.test`);
	await phone.locator('input[name=password]').fill('patient password 1');
	await phone.locator('form button.btn-block[type=submit]').click();
	await expect(phone).toHaveURL(/\/me$/);
	// Before linking there is nothing to book with; the page says how to get there.
	await expect(phone.getByTestId('my-appointments')).toContainText('منسلک');
	await phone.locator('form[action="?/link"] input[name=code]').fill(code);
	await phone.locator('form[action="?/link"] button[type=submit]').click();
	await expect(phone.getByTestId('my-clinics')).toContainText(CLINIC.name);
	await expect(phone.getByTestId('my-appointments')).toContainText('کوئی آنے والی اپائنٹمنٹ نہیں');

	// The booking page: the doctor chosen, tomorrow's free times listed.
	await phone.getByRole('link', { name: 'اپائنٹمنٹ بُک کریں' }).click();
	await expect(phone).toHaveURL(/\/me\/book$/);
	await phone.getByLabel('ڈاکٹر').selectOption(doctor.id);
	await phone.getByLabel('دن').fill(day);
	await phone.getByRole('button', { name: 'خالی اوقات دکھائیں' }).click();
	await expect(phone).toHaveURL(new RegExp(`date=${day}`));
	const slots = phone.getByTestId('free-slots');
	await expect(slots.locator('label')).toHaveCount(32);
	await expect(slots.locator('label').first()).toHaveText('09:00');
	await expectAccessible(phone);
	const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(overflow).toBeLessThanOrEqual(0);
	await screenshot(phone, 'patient-book-ur');

	// Someone at the desk takes 10:00 while the patient looks at the list: the patient's pick is refused clearly.
	const taken = await admin.request.get(`${api()}/slots?doctor=${doctor.id}&date=${day}`);
	const tenOClock = ((await taken.json()) as { slots: { start: string }[] }).slots.find((s) => s.start.slice(11, 16) === '10:00')!.start;
	const other = await addPatient(admin, `Desk Patient ${rand()}`);
	expect(
		(
			await admin.request.post(`${api()}/appointments`, {
				data: { patientId: other.id, doctorId: doctor.id, start: tenOClock, idempotencyKey: `e2e-${rand()}${rand()}` }
			})
		).status()
	).toBe(201);
	await slots.locator('label', { hasText: '10:00' }).click();
	await phone.getByRole('button', { name: 'اس اپائنٹمنٹ کی درخواست بھیجیں' }).click();
	await expect(phone.getByRole('alert')).toContainText('یہ وقت ابھی ابھی کسی اور نے لے لیا');
	await expect(slots.locator('label', { hasText: '10:00' })).toHaveCount(0);

	// 10:30 is still free: the request goes in, and home shows it waiting for the clinic.
	await slots.locator('label', { hasText: '10:30' }).click();
	await phone.getByLabel('آنے کی وجہ (اختیاری)').fill('بخار');
	await phone.getByRole('button', { name: 'اس اپائنٹمنٹ کی درخواست بھیجیں' }).click();
	await expect(phone).toHaveURL(/\/me\?requested=/);
	await expect(phone.getByRole('status').first()).toContainText(`${CLINIC.code}-A`);
	const mine = phone.getByTestId('my-appointment');
	await expect(mine).toHaveCount(1);
	await expect(mine).toHaveAttribute('data-status', 'requested');
	await expect(mine).toContainText('10:30');
	await expect(mine).toContainText(doctor.name);
	await expectAccessible(phone);
	await screenshot(phone, 'patient-me-appointments-ur');

	// The calendar file downloads for this patient only.
	const ics = await phone.request.get((await mine.getByRole('link', { name: 'میرے کیلنڈر میں شامل کریں' }).getAttribute('href'))!);
	expect(ics.status()).toBe(200);
	expect(ics.headers()['content-type']).toContain('text/calendar');
	expect(await ics.text()).toContain('BEGIN:VEVENT');
	const stranger = await browser.newContext();
	expect(
		(await stranger.request.get((await mine.getByRole('link', { name: 'میرے کیلنڈر میں شامل کریں' }).getAttribute('href'))!, { maxRedirects: 0 })).status()
	).toBe(303);

	// The desk's calendar shows the request live, as requested.
	await admin.goto(`/${CLINIC.code}/calendar?date=${day}`);
	await waitLive(admin);
	const event = admin.locator('.ec-event', { hasText: record.name });
	await expect(event).toBeVisible();
	await expect(event).toContainText('Requested');

	// The patient cancels from home; the desk's calendar drops it without a reload.
	await mine.getByText('منسوخ کریں…').click();
	await mine.getByLabel('وجہ (اختیاری)').fill('طبیعت بہتر ہے');
	await mine.getByRole('button', { name: 'یہ اپائنٹمنٹ منسوخ کریں' }).click();
	await expect(phone.getByRole('status').first()).toContainText('منسوخ');
	await expect(phone.getByTestId('my-appointment')).toHaveCount(0);
	await expect(event).toHaveCount(0);
	await phoneContext.close();
	await stranger.close();
});
