import type { Browser, Page } from '@playwright/test';
import { ADMIN, CLINIC, expect, expectAccessible, pageFor, PASSWORD, rand, signIn, test, hydrated } from './fixtures';
import { addPatient, addStaff, bookAt, setFullWeek, waitLive } from './calendarHelpers';
import { addDays } from '../../src/lib/time';

/** With CLOSURE_SCREENSHOTS=<dir>, keeps desktop and phone pictures of the holidays section (or the page) for review. */
async function screenshots(page: Page, name: string, part = 'section[aria-labelledby="closures-title"]') {
	const dir = process.env.CLOSURE_SCREENSHOTS;
	if (!dir) return;
	for (const [label, width] of [
		['desktop', 1280],
		['phone', 390]
	] as const) {
		await page.setViewportSize({ width, height: 900 });
		await page
			.locator(part)
			.first()
			.screenshot({ path: `${dir}/${name}-${label}.png` });
	}
	await page.setViewportSize({ width: 1280, height: 720 });
}

/** The clinic's today, as the holiday form offers it (its earliest date), read from the server's page alone. */
async function clinicToday(page: Page): Promise<string> {
	await page.goto(`/${CLINIC.code}/availability`);
	const today = await page.locator('#closure-date').getAttribute('min');
	if (!today) throw new Error('no earliest holiday date on the page');
	return today;
}

/** A doctor working every day and a patient booked with them at 10:00 on a day of the spec's own. */
async function bookedDay(admin: Page, daysAhead: number, who: string) {
	const tag = rand();
	const doctor = await addStaff(admin, 'doctor', `Dr Daud ${tag}`);
	await setFullWeek(admin, doctor.id);
	const patient = await addPatient(admin, `${who} ${tag}`);
	const day = addDays(await clinicToday(admin), daysAhead);
	const booking = await bookAt(admin, patient.id, doctor.id, day, '10:00');
	return { doctor, patient, day, booking };
}

async function addHoliday(page: Page, day: string, reason: string, button: string | RegExp = 'Add holiday') {
	await page.goto(`/${CLINIC.code}/availability`);
	await page.locator('#closure-date').fill(day);
	await page.locator('#closure-reason').fill(reason);
	await page.getByRole('button', { name: button }).click();
}

test('closing a day with a booking lists the patient first; cancelling tells them and the calendar drops the booking live', async ({ browser }) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const { doctor, patient, day } = await bookedDay(admin, 20, 'Sadia Closed');
	const reception = await addStaff(admin, 'reception', `Rida Desk ${rand()}`);

	// The desk has the day's calendar open while the admin closes it.
	const desk = await pageFor(browser, reception.email, PASSWORD);
	await desk.goto(`/${CLINIC.code}/calendar?date=${day}`);
	await waitLive(desk);
	const event = desk.getByTestId('calendar').locator('.ec-event', { hasText: patient.name });
	await expect(event).toBeVisible();

	const reason = `Eid ${rand()}`;
	await addHoliday(admin, day, reason);
	const closures = admin.getByRole('region', { name: 'Clinic holidays and closed days' });
	const question = closures.getByRole('region', { name: '1 appointment on that day' });
	await expect(question).toBeVisible();
	await expect(question.getByRole('heading', { name: '1 appointment on that day' })).toBeFocused();
	await expect(question).toContainText('Nothing has been saved yet.');
	const listed = question.getByTestId('closed-day-appointment');
	await expect(listed).toHaveCount(1);
	await expect(listed).toContainText(patient.name);
	await expect(listed).toContainText('10:00');
	await expect(listed).toContainText(doctor.name);
	await expect(question.getByRole('link', { name: /^Move them on the calendar of / })).toHaveAttribute('href', `/${CLINIC.code}/calendar?date=${day}`);
	// Nothing saved yet: the holiday is not listed and the booking still stands.
	await expect(closures.getByTestId('closure').filter({ hasText: reason })).toHaveCount(0);
	await expect(event).toBeVisible();
	await expectAccessible(admin);
	await screenshots(admin, 'closure-question-en');

	await question.getByRole('button', { name: 'Cancel them and tell the patients' }).click();
	await expect(closures.getByRole('status')).toHaveText('Holiday saved. Appointments cancelled and patients told: 1.');
	await expect(closures.getByTestId('closure').filter({ hasText: reason })).toHaveCount(1);
	await screenshots(admin, 'closure-cancelled-en');

	// The desk's calendar drops the booking without a reload; shown with the cancelled ones, it is cancelled.
	await expect(event).toBeHidden();
	await desk.getByTestId('show-cancelled').check();
	await expect(event).toBeVisible();
	await admin.goto(`/${CLINIC.code}/calendar?date=${day}`);
	await waitLive(admin);
	await expect(admin.getByTestId('calendar').locator('.ec-event', { hasText: patient.name })).toHaveCount(0);
	await desk.context().close();
	await admin.context().close();
});

test('in Urdu the same question is asked right to left, and keeping the booking is a choice of its own', async ({ browser }) => {
	const setup = await pageFor(browser, ADMIN.email, ADMIN.password);
	const { patient, day } = await bookedDay(setup, 21, 'Kashif Kept');
	await setup.context().close();

	const urdu = await pageFor(browser, ADMIN.email, ADMIN.password, 'ur');
	const reason = `عید ${rand()}`;
	await addHoliday(urdu, day, reason, 'تعطیل شامل کریں');
	const question = urdu.getByTestId('closed-day-appointments');
	await expect(question.getByRole('heading', { level: 3 })).toHaveText('اس دن ایک اپائنٹمنٹ بک ہے');
	await expect(question).toContainText(patient.name);
	await expect(urdu.locator('html')).toHaveAttribute('dir', 'rtl');
	await expectAccessible(urdu);
	await screenshots(urdu, 'closure-question-ur');

	await question.getByRole('button', { name: 'انہیں برقرار رکھیں' }).click();
	await expect(urdu.getByRole('status')).toContainText('اس دن برقرار رکھی گئی اپائنٹمنٹس: 1');
	await expect(urdu.getByTestId('closure').filter({ hasText: reason })).toHaveCount(1);
	await screenshots(urdu, 'closure-kept-ur');
	await urdu.context().close();
});

/** Signs in a browser without JavaScript: the form actions alone must carry the question and the choice. */
async function withoutScripts(browser: Browser) {
	const context = await browser.newContext({ javaScriptEnabled: false });
	const page = await context.newPage();
	await signIn(page, ADMIN.email, ADMIN.password);
	await expect(page).toHaveURL(/\/[A-Z0-9]{3,8}$/);
	return page;
}

test('without JavaScript the holiday form still asks before saving and sends the choice', async ({ browser }) => {
	const setup = await pageFor(browser, ADMIN.email, ADMIN.password);
	const { patient, day } = await bookedDay(setup, 22, 'Nadia Plain');
	await setup.context().close();

	const page = await withoutScripts(browser);
	const reason = `Repairs ${rand()}`;
	await addHoliday(page, day, reason);
	const question = page.getByTestId('closed-day-appointments');
	await expect(question).toContainText(patient.name);
	await expect(page.getByTestId('closure').filter({ hasText: reason })).toHaveCount(0);
	await question.getByRole('button', { name: 'Keep them' }).click();
	await expect(page.getByRole('status')).toHaveText('Holiday saved. Appointments kept on that day: 1. Move them on the calendar.');
	await expect(page.getByTestId('closure').filter({ hasText: reason })).toHaveCount(1);
	await page.context().close();
});

test('leave on a booked day asks the same question in the schedule form before saving', async ({ browser }) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const { doctor, patient, day } = await bookedDay(admin, 23, 'Laila Leave');
	await admin.goto(`/${CLINIC.code}/availability?doctor=${doctor.id}`);
	await hydrated(admin);
	await admin.getByRole('button', { name: 'Add a one-off change' }).click();
	const exception = admin.getByTestId('exception').last();
	await exception.locator('input[type="date"]').fill(day);
	await exception.getByLabel('Reason').fill('Conference');
	await admin.getByRole('button', { name: 'Save schedule' }).click();

	const question = admin.getByTestId('closed-day-appointments');
	await expect(question.getByRole('heading', { level: 3 })).toHaveText("1 appointment falls outside the doctor's new hours");
	await expect(question).toContainText(patient.name);
	await expect(admin.getByRole('button', { name: 'Save schedule' })).toHaveCount(0);
	await expectAccessible(admin);
	await screenshots(admin, 'leave-question-en', 'form[aria-labelledby="weekly-title"]');

	// Going back keeps the edits on screen and saves nothing; saving again asks again.
	await question.getByRole('button', { name: 'Go back without saving' }).click();
	await expect(question).toBeHidden();
	await admin.getByRole('button', { name: 'Save schedule' }).click();
	await question.getByRole('button', { name: 'Cancel them and tell the patients' }).click();
	await expect(admin.getByRole('status').filter({ hasText: 'Schedule saved.' })).toHaveText('Schedule saved. Appointments cancelled and patients told: 1.');
	await admin.goto(`/${CLINIC.code}/calendar?date=${day}`);
	await waitLive(admin);
	await expect(admin.getByTestId('calendar').locator('.ec-event', { hasText: patient.name })).toHaveCount(0);
	await admin.context().close();
});

test('cutting a booked day short asks about the bookings the new hours leave out, and only those', async ({ browser }) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const { doctor, patient: morning, day } = await bookedDay(admin, 24, 'Maha Morning');
	const afternoon = await addPatient(admin, `Asma Afternoon ${rand()}`);
	await bookAt(admin, afternoon.id, doctor.id, day, '15:00');
	await admin.goto(`/${CLINIC.code}/availability?doctor=${doctor.id}`);
	await hydrated(admin);
	await admin.getByRole('button', { name: 'Add a one-off change' }).click();
	const exception = admin.getByTestId('exception').last();
	await exception.locator('input[type="date"]').fill(day);
	await exception.getByLabel('Off all day').uncheck();
	await exception.getByLabel('From').fill('09:00');
	await exception.getByLabel('To').fill('12:00');
	await exception.getByLabel('Reason').fill('Afternoon in court');
	await admin.getByRole('button', { name: 'Save schedule' }).click();

	const question = admin.getByTestId('closed-day-appointments');
	await expect(question.getByRole('heading', { level: 3 })).toHaveText("1 appointment falls outside the doctor's new hours");
	await expect(question).toContainText(afternoon.name);
	await expect(question).not.toContainText(morning.name);
	await screenshots(admin, 'shortened-question-en', 'form[aria-labelledby="weekly-title"]');
	await question.getByRole('button', { name: 'Keep them' }).click();
	await expect(admin.getByRole('status').filter({ hasText: 'Schedule saved.' })).toHaveText(
		'Schedule saved. Appointments kept outside the new hours: 1. Move them on the calendar.'
	);
	await admin.context().close();
});
