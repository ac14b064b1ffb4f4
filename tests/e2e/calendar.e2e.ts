import { ADMIN, CLINIC, expect, expectAccessible, pageFor, PASSWORD, rand, test, hydrated } from './fixtures';
import { addPatient, addStaff, clickSlot, pickPatient, screenshots, waitLive } from './calendarHelpers';

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

test('the desk books from the calendar, colleagues see it live, one of two racing receptionists wins and the other is told, and a move reaches the doctor', async ({
	browser
}) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const doctor = await addStaff(admin, 'doctor', `Dr Hina ${rand()}`);
	const reception = await addStaff(admin, 'reception', `Rubina Desk ${rand()}`);
	const first = await addPatient(admin, `Sana Calendar ${rand()}`);
	const secondPatient = await addPatient(admin, `Bilal Calendar ${rand()}`);
	const third = await addPatient(admin, `Zara Calendar ${rand()}`);

	// The doctor's week, set through the availability screen: the full-day preset every day.
	await admin.goto(`/${CLINIC.code}/availability?doctor=${doctor.id}`);
	await hydrated(admin);
	await expect(admin.getByRole('heading', { name: 'Availability', level: 1 })).toBeVisible();
	for (const day of WEEKDAYS) await admin.getByRole('button', { name: `Full day 09:00–17:00 · ${day}` }).click();
	await admin.getByRole('button', { name: 'Save schedule' }).click();
	await expect(admin.getByText('Schedule saved.')).toBeVisible();
	await expect(admin.getByTestId('preview-row').nth(1)).toContainText('28');
	await expectAccessible(admin);
	await screenshots(admin, 'availability');

	// Tomorrow in the clinic's calendar, for two receptionists in two browsers and the admin.
	const second = await addStaff(admin, 'reception', `Rukhsana Desk ${rand()}`);
	await admin.goto(`/${CLINIC.code}/calendar`);
	await admin.getByRole('link', { name: 'Next', exact: true }).click();
	await expect(admin).toHaveURL(/date=\d{4}-\d{2}-\d{2}/);
	const day = new URL(admin.url()).searchParams.get('date');
	const desk = await pageFor(browser, reception.email, PASSWORD);
	const otherDesk = await pageFor(browser, second.email, PASSWORD);
	for (const page of [desk, otherDesk]) await page.goto(`/${CLINIC.code}/calendar?date=${day}&view=day`);
	for (const page of [admin, desk, otherDesk]) await waitLive(page);
	await expect(desk.getByTestId('presence')).toContainText(ADMIN.name);

	// Click an empty slot, pick the patient by typing, book.
	await clickSlot(admin, doctor.name, '10:00');
	const booking = admin.getByTestId('booking-dialog');
	await expect(booking).toBeVisible();
	await pickPatient(admin, first.name);
	await expect(booking.getByLabel('Time')).toHaveValue(new RegExp(`^${day}T10:00:00`));
	await booking.getByRole('button', { name: 'Book', exact: true }).click();
	await expect(booking).toBeHidden();
	await expect(admin.getByTestId('calendar')).toContainText(first.name);
	// The receptionists' calendars follow without a reload.
	for (const page of [desk, otherDesk]) await expect(page.getByTestId('calendar')).toContainText(first.name);
	await expectAccessible(admin);
	await screenshots(admin, 'calendar');

	// Both receptionists go for 11:00 and press Book at the same moment: the server takes one.
	const dialogs = [desk.getByTestId('booking-dialog'), otherDesk.getByTestId('booking-dialog')];
	await clickSlot(desk, doctor.name, '11:00');
	await pickPatient(desk, secondPatient.name);
	await clickSlot(otherDesk, doctor.name, '11:00');
	await pickPatient(otherDesk, third.name);
	for (const dialog of dialogs) await expect(dialog.getByLabel('Time')).toHaveValue(new RegExp(`^${day}T11:00:00`));
	await Promise.all(dialogs.map((dialog) => dialog.getByRole('button', { name: 'Book', exact: true }).click()));
	await expect.poll(async () => (await dialogs[0].isHidden()) !== (await dialogs[1].isHidden())).toBe(true);
	const firstWon = await dialogs[0].isHidden();
	const [winnerPage, loserPage] = firstWon ? [desk, otherDesk] : [otherDesk, desk];
	const winner = firstWon ? secondPatient.name : third.name;
	const loser = firstWon ? third.name : secondPatient.name;
	const loserDialog = loserPage.getByTestId('booking-dialog');
	// The one who lost is told, their dialog no longer offers 11:00, and their calendar already shows who took it.
	await expect(loserDialog.getByRole('alert')).toHaveText('That slot was just taken. Please choose another.');
	await expect(loserDialog.getByLabel('Time').locator('option', { hasText: /^\u2068?11:00/ })).toHaveCount(0);
	for (const page of [winnerPage, loserPage, admin]) await expect(page.locator('.ec-event', { hasText: winner })).toContainText('11:00');
	for (const page of [winnerPage, loserPage, admin]) await expect(page.getByTestId('calendar')).not.toContainText(loser);
	const listed = await admin.request.get(`/api/v1/clinics/${CLINIC.code}/appointments?date=${day}`);
	const { appointments } = await listed.json();
	type Listed = { doctorId: string; start: string; patientName: string; status: string };
	const taken = appointments.find((a: Listed) => a.patientName === winner)?.start;
	expect(appointments.filter((a: Listed) => a.doctorId === doctor.id && a.start === taken).map((a: Listed) => a.patientName)).toEqual([winner]);
	await loserDialog.getByRole('button', { name: 'Close' }).click();

	// The doctor watches their own week; the desk moves the first booking through the details
	// dialog (the keyboard path; mouse drags are in calendar-drag.e2e.ts).
	const doc = await pageFor(browser, doctor.email, PASSWORD);
	await doc.goto(`/${CLINIC.code}/my-schedule?date=${day}`);
	await expect(doc.getByTestId('my-appointment').filter({ hasText: first.name })).toBeVisible();
	await expect(doc.locator('[data-state="live"]')).toBeVisible();
	await expectAccessible(doc);
	await screenshots(doc, 'my-schedule');

	await desk.getByTestId('calendar').getByText(first.name).click();
	const details = desk.getByTestId('appointment-dialog');
	await expect(details.getByRole('heading', { name: first.name })).toBeVisible();
	await details.getByRole('button', { name: 'Reschedule' }).click();
	const moveTo = details.getByLabel('Time');
	const noon = await moveTo.locator('option', { hasText: /^12:00/ }).getAttribute('value');
	await moveTo.selectOption(noon ?? '');
	await details.getByRole('button', { name: 'Move here' }).click();
	await expect(details.getByText('The appointment was moved.')).toBeVisible();
	await expect(admin.locator('.ec-event', { hasText: first.name })).toContainText('12:00');
	await expect(doc.getByTestId('schedule-toast')).toContainText(`Moved: ${first.name}`);

	// Cancelling needs a reason; the doctor is told.
	await details.getByRole('button', { name: 'Cancel appointment' }).click();
	await expect(details.getByLabel('Reason for cancelling')).toBeFocused();
	await details.getByLabel('Reason for cancelling').fill('Patient called to cancel');
	await details.getByRole('button', { name: 'Cancel appointment' }).click();
	await expect(details.getByTestId('appointment-status')).toHaveText('Cancelled');
	await expect(doc.getByTestId('schedule-toast').filter({ hasText: `Cancelled or moved away: ${first.name}` })).toBeVisible();

	// A cancelled booking gives its time back: off the grid unless asked for.
	await details.getByRole('button', { name: 'Close' }).click();
	await expect(desk.getByTestId('calendar')).not.toContainText(first.name);
	await desk.getByTestId('show-cancelled').check();
	await expect(desk.locator('.ec-event', { hasText: first.name })).toContainText('Cancelled');

	// The week view opens the seven day documents and shows the same bookings.
	await admin.goto(`/${CLINIC.code}/calendar?date=${day}&view=week`);
	await expect(admin.getByTestId('calendar')).toContainText(winner);
	// A 15-minute booking is one row: one line that fits, the whole text in its tooltip and name.
	const short = admin.locator('.ec-event', { hasText: winner });
	const line = short.locator('.ev-short');
	await expect(line).toHaveAttribute('title', new RegExp(`11:00.*${winner}.*${doctor.name}`));
	await expect(admin.getByRole('button', { name: new RegExp(`${winner}.*${doctor.name}`) })).toBeVisible();
	// Measured once the grid has settled: colleagues' bookings arriving meanwhile re-lay the day out.
	await expect
		.poll(async () => {
			const [eventBox, lineBox] = [await short.boundingBox(), await line.boundingBox()];
			return !!lineBox && !!eventBox && lineBox.y + lineBox.height <= eventBox.y + eventBox.height + 0.5;
		})
		.toBe(true);
	await expectAccessible(admin);
	await screenshots(admin, 'calendar-week');
});

test('the availability screen refuses hours that end before they start, and the calendar works in Urdu on a phone', async ({ browser }) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const doctor = await addStaff(admin, 'doctor', `Dr Kamran ${rand()}`);
	await admin.goto(`/${CLINIC.code}/availability?doctor=${doctor.id}`);
	await hydrated(admin);
	await admin.getByRole('button', { name: 'Add hours · Monday' }).click();
	await admin.getByLabel('From · Monday').fill('15:00');
	await admin.getByLabel('To · Monday').fill('10:00');
	await admin.getByRole('button', { name: 'Save schedule' }).click();
	await expect(admin.getByRole('alert')).toContainText('Some fields need correcting.');
	await expect(admin.getByTestId('shift').first()).toContainText('The end time must be after the start time.');
	await expect(admin.getByLabel('To · Monday')).toHaveAttribute('aria-invalid', 'true');
	await expect(admin.getByTestId('preview-row').first()).toContainText('0');

	// A forged request past the screen is refused by the command, with a translated message.
	const forged = await admin.request.post(`/${CLINIC.code}/availability?/save`, {
		form: { doctorId: doctor.id, availability: JSON.stringify({ weekly: [{ weekday: 1, start: '09:00', end: '12:00', slotMinutes: 25 }] }) },
		headers: { origin: new URL(admin.url()).origin, 'x-sveltejs-action': 'true' }
	});
	expect(await forged.text()).toContain('failure');

	const urdu = await pageFor(browser, ADMIN.email, ADMIN.password, 'ur');
	await urdu.setViewportSize({ width: 390, height: 844 });
	await urdu.goto(`/${CLINIC.code}/calendar`);
	await expect(urdu.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(urdu.getByRole('heading', { name: 'کیلنڈر', level: 1 })).toBeVisible();
	await expect(urdu.locator('[data-state="live"]').first()).toBeVisible();
	await expectAccessible(urdu);
	await screenshots(urdu, 'calendar-ur');
	await urdu.goto(`/${CLINIC.code}/availability`);
	await screenshots(urdu, 'availability-ur');
	await urdu.goto(`/${CLINIC.code}/waitlist`);
	await expectAccessible(urdu);
	await screenshots(urdu, 'waitlist-ur');
});
