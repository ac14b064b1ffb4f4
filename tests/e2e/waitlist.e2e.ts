import type { Page } from '@playwright/test';
import { ADMIN, CLINIC, expect, expectAccessible, pageFor, PASSWORD, rand, test } from './fixtures';
import { addPatient, addStaff, bookAt, screenshots, setFullWeek, tomorrow } from './calendarHelpers';

async function cancel(page: Page, appointmentId: string) {
	const response = await page.request.post(`/api/v1/clinics/${CLINIC.code}/appointments/${appointmentId}/cancel`, {
		data: { reason: 'Called to cancel', idempotencyKey: crypto.randomUUID() }
	});
	expect(response.status(), await response.text()).toBe(200);
}

async function join(desk: Page, patient: string, doctor: string, current: RegExp | null) {
	const form = desk.locator('form', { has: desk.getByRole('heading', { name: 'Add a patient' }) });
	await form.getByLabel('Patient').fill(patient.slice(0, -1));
	await form.getByRole('button', { name: new RegExp(patient) }).click();
	await form.getByLabel('Doctor').selectOption({ label: doctor });
	const held = form.getByLabel('Their current appointment (optional)');
	if (current) {
		// The patient's own booking with this doctor is offered once their bookings have loaded.
		const option = held.locator('option', { hasText: current });
		await expect(option).toHaveCount(1);
		await held.selectOption({ label: (await option.textContent()) ?? '' });
	}
	await form.getByRole('button', { name: 'Add to waitlist' }).click();
	await expect(desk.locator('.alert-success')).toHaveText('Added to the waitlist.');
}

test('a cancellation offers the slot to the waiting patient live at the desk, and accepting moves their appointment', async ({ browser }) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const tag = rand();
	const doctor = await addStaff(admin, 'doctor', `Dr Wait ${tag}`);
	const reception = await addStaff(admin, 'reception', `Warda Desk ${tag}`);
	const waiting = await addPatient(admin, `Waheed Wait ${tag}`);
	const hopeful = await addPatient(admin, `Hira Wait ${tag}`);
	const early = await addPatient(admin, `Erum Early ${tag}`);
	const noon = await addPatient(admin, `Nabeel Noon ${tag}`);
	await setFullWeek(admin, doctor.id);
	const day = await tomorrow(admin);
	const earlyBooking = await bookAt(admin, early.id, doctor.id, day, '10:00');
	const noonBooking = await bookAt(admin, noon.id, doctor.id, day, '12:00');
	await bookAt(admin, waiting.id, doctor.id, day, '15:00');

	const desk = await pageFor(browser, reception.email, PASSWORD);
	await desk.goto(`/${CLINIC.code}/waitlist`);
	await expect(desk.locator('[data-state="live"]')).toBeVisible();

	// Without a patient the form says what is missing and adds no one.
	const before = await desk.getByTestId('waitlist-entry').count();
	await desk.getByRole('button', { name: 'Add to waitlist' }).click();
	await expect(desk.getByRole('alert')).toBeVisible();
	await expect(desk.getByTestId('waitlist-entry')).toHaveCount(before);

	// Waheed holds 15:00 and wants earlier: the desk names that appointment so it moves, not doubles.
	await join(desk, waiting.name, doctor.name, new RegExp(`^.*15:00 · ${CLINIC.code}-A`));
	const entry = desk.getByTestId('waitlist-entry').filter({ hasText: waiting.name });
	await expect(entry).toContainText('Moves their appointment of');
	await expect(entry).toContainText('15:00');
	await expectAccessible(desk);

	// 10:00 is cancelled elsewhere: the offer appears at the desk without a reload.
	await cancel(admin, earlyBooking.id);
	const offer = desk.getByTestId('waitlist-offer').filter({ hasText: waiting.name });
	await expect(offer).toContainText(`Offered: ${doctor.name}`);
	await expect(offer).toContainText('10:00');
	await expect(offer).toContainText('Moves their appointment of');
	await expectAccessible(desk);
	await screenshots(desk, 'waitlist-offer');

	await desk.getByRole('button', { name: `Accept the offered time for ${waiting.name}` }).click();
	await expect(offer).toBeHidden();
	// The link to the booked day lives in the outcome message; found there, it can never be the
	// navigation's own "Calendar" (today, no query string), and its address is checked before it is followed.
	const moved = desk.getByRole('status').filter({ hasText: 'The appointment was moved to the offered time.' });
	const toCalendar = moved.getByRole('link', { name: 'Show in the calendar', exact: true });
	await expect(toCalendar).toHaveAttribute('href', `/${CLINIC.code}/calendar?date=${day}&view=day`);
	await toCalendar.click();
	await expect(desk).toHaveURL(new RegExp(`/${CLINIC.code}/calendar\\?date=${day}&view=day$`));
	await expect(desk.locator('[data-state="live"]').first()).toBeVisible();
	// One appointment for Waheed, now at 10:00; 15:00 is free again.
	await expect(desk.locator('.ec-event', { hasText: waiting.name })).toHaveCount(1);
	await expect(desk.locator('.ec-event', { hasText: waiting.name })).toContainText('10:00');

	// Hira waits with nothing booked; noon is cancelled; she cannot come, so the desk declines for her.
	await desk.goto(`/${CLINIC.code}/waitlist`);
	await expect(desk.locator('[data-state="live"]')).toBeVisible();
	await join(desk, hopeful.name, doctor.name, null);
	await cancel(admin, noonBooking.id);
	const second = desk.getByTestId('waitlist-offer').filter({ hasText: hopeful.name });
	await expect(second).toContainText('12:00');
	await desk.getByRole('button', { name: `Decline the offered time for ${hopeful.name}` }).click();
	await expect(desk.locator('.alert-success')).toContainText('Offer declined.');
	await expect(second).toBeHidden();
	await expect(desk.getByTestId('waitlist-entry').filter({ hasText: hopeful.name })).toBeVisible();

	// In Urdu the same list reads right to left.
	const urdu = await pageFor(browser, reception.email, PASSWORD, 'ur');
	await urdu.goto(`/${CLINIC.code}/waitlist`);
	await expect(urdu.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(urdu.getByTestId('waitlist-entry').filter({ hasText: hopeful.name })).toBeVisible();
	await expectAccessible(urdu);
	await screenshots(urdu, 'waitlist-ur');
});
