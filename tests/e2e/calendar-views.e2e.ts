import type { Page } from '@playwright/test';
import { ADMIN, CLINIC, expect, expectAccessible, pageFor, PASSWORD, rand, test } from './fixtures';
import { addPatient, addStaff, bookAt, clickSlot, screenshots, setFullWeek, tomorrow, waitLive } from './calendarHelpers';

/** Where the doctors' head of the day view is, and where a row of the morning is, on screen. */
async function positions(page: Page, doctor: string) {
	const head = await page.getByTestId('calendar').locator('.ec-col-head', { hasText: doctor }).boundingBox();
	const nine = await page
		.locator('.ec-body .ec-sidebar time', { hasText: /^(9:00|09:00)/ })
		.first()
		.boundingBox();
	if (!head || !nine) throw new Error('the day view has no head or no 9:00 row');
	return { head, nine };
}

/** Scrolls the grid with the mouse wheel, as a person does, and checks the doctors' names stayed in view. */
async function expectHeadStaysWhileScrolling(page: Page, doctor: string) {
	const before = await positions(page, doctor);
	const grid = await page.getByTestId('calendar').boundingBox();
	if (!grid) throw new Error('no calendar');
	await page.mouse.move(grid.x + grid.width / 2, Math.min(grid.y + grid.height / 2, (page.viewportSize()?.height ?? 600) - 40));
	await page.mouse.wheel(0, 500);
	// The rows moved up under the pointer…
	await expect.poll(async () => (await positions(page, doctor)).nine.y).toBeLessThan(before.nine.y - 200);
	// …and the doctor's name is still on screen, at the top of the grid.
	const after = await positions(page, doctor);
	expect(after.head.y).toBeGreaterThanOrEqual(0);
	expect(after.head.y + after.head.height).toBeLessThanOrEqual(page.viewportSize()?.height ?? 0);
	await expect(page.getByTestId('calendar').locator('.ec-col-head', { hasText: doctor })).toBeVisible();
}

/** Is the whole of this patient's name drawn in their appointment (no ellipsis)? */
async function nameFits(page: Page, patient: string): Promise<boolean> {
	return page
		.getByTestId('calendar')
		.locator('.ev-name', { hasText: patient })
		.evaluate((el) => el.scrollWidth <= el.clientWidth + 1 && el.getBoundingClientRect().height > 0);
}

const background = (page: Page, selector: string, text: string) =>
	page
		.getByTestId('calendar')
		.locator(selector, { hasText: text })
		.evaluate((el) => getComputedStyle(el).backgroundColor);

for (const locale of ['en', 'ur'] as const) {
	test(`the day view keeps the doctors' names in view while the grid scrolls, on a desktop and a phone (${locale})`, async ({ browser }) => {
		const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
		const doctors = await Promise.all(['Dr Saba', 'Dr Omar'].map((n) => addStaff(admin, 'doctor', `${n} ${rand()}`)));
		for (const d of doctors) await setFullWeek(admin, d.id);
		const day = await tomorrow(admin);
		const desk = await pageFor(browser, ADMIN.email, ADMIN.password, locale === 'ur' ? 'ur' : undefined);
		for (const size of [
			{ width: 1280, height: 720 },
			{ width: 390, height: 844 }
		]) {
			await desk.setViewportSize(size);
			await desk.goto(`/${CLINIC.code}/calendar?date=${day}&view=day`);
			await waitLive(desk);
			await desk.getByTestId('calendar').scrollIntoViewIfNeeded();
			await expectHeadStaysWhileScrolling(desk, doctors[0].name);
		}
		await desk.setViewportSize({ width: 1280, height: 720 });
		await screenshots(desk, `calendar-day-${locale}`);
	});

	test(`the week of all doctors is a doctor-by-day grid in the doctors' colours, with a legend and every name readable (${locale})`, async ({ browser }) => {
		const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
		const doctors = await Promise.all(['Dr Huma', 'Dr Asif', 'Dr Noor'].map((n) => addStaff(admin, 'doctor', `${n} ${rand()}`)));
		for (const d of doctors) await setFullWeek(admin, d.id);
		const day = await tomorrow(admin);
		// Three 15-minute bookings at the same time, one per doctor: today they would share one day column.
		const patients = await Promise.all(['Sana', 'Bilal', 'Zara'].map((n) => addPatient(admin, `${n} ${rand()}`)));
		for (const [i, p] of patients.entries()) await bookAt(admin, p.id, doctors[i].id, day, '10:00');

		const desk = await pageFor(browser, ADMIN.email, ADMIN.password, locale === 'ur' ? 'ur' : undefined);
		await desk.goto(`/${CLINIC.code}/calendar?date=${day}&view=week`);
		await waitLive(desk);
		const legend = desk.getByTestId('doctor-legend');
		for (const d of doctors) await expect(legend).toContainText(d.name);
		for (const p of patients) {
			await desk.getByTestId('calendar').locator('.ev-name', { hasText: p.name }).scrollIntoViewIfNeeded();
			expect(await nameFits(desk, p.name), `${p.name} is cut short`).toBe(true);
		}
		// Each appointment wears its doctor's colour from the legend; the three differ.
		const colours = await Promise.all(patients.map((p) => background(desk, '.ec-event', p.name)));
		expect(new Set(colours).size).toBe(3);
		for (const [i, d] of doctors.entries())
			expect(
				await legend
					.locator('li', { hasText: d.name })
					.locator('span')
					.evaluate((el) => getComputedStyle(el).backgroundColor)
			).toBe(colours[i]);
		// One doctor's week is drawn in the types' and statuses' colours as before, without the doctors' legend.
		await desk
			.getByRole('navigation', { name: locale === 'ur' ? 'کیلنڈر کی تاریخیں اور منظر' : 'Calendar dates and view' })
			.getByLabel(locale === 'ur' ? 'ڈاکٹر' : 'Doctor')
			.selectOption({ label: doctors[0].name });
		await expect(legend).toBeHidden();
		await expect(desk.getByTestId('calendar')).toContainText(patients[0].name);
		await expect(desk.getByTestId('calendar')).not.toContainText(patients[1].name);
		await desk
			.getByRole('navigation', { name: locale === 'ur' ? 'کیلنڈر کی تاریخیں اور منظر' : 'Calendar dates and view' })
			.getByLabel(locale === 'ur' ? 'ڈاکٹر' : 'Doctor')
			.selectOption({ index: 0 });
		await expect(legend).toBeVisible();
		await expectAccessible(desk);
		await screenshots(desk, `calendar-week-${locale}`);
	});
}

test('the desk registers a new patient from the booking dialog, is told every problem beside its field, and books them', async ({ browser }) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const doctor = await addStaff(admin, 'doctor', `Dr Rehana ${rand()}`);
	const reception = await addStaff(admin, 'reception', `Rubina Desk ${rand()}`);
	await setFullWeek(admin, doctor.id);
	// A registered patient with a phone: registering the same number again is offered that record.
	const phone = `+92300${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
	const registered = await admin.request.post(`/api/v1/clinics/${CLINIC.code}/patients`, {
		data: { name: `Kamran Existing ${rand()}`, phone, allowDuplicate: true }
	});
	expect(registered.status()).toBe(201);
	const existing: { name: string } = await registered.json();
	const day = await tomorrow(admin);

	const desk = await pageFor(browser, reception.email, PASSWORD);
	await desk.goto(`/${CLINIC.code}/calendar?date=${day}&view=day`);
	await waitLive(desk);
	await clickSlot(desk, doctor.name, '10:00');
	const dialog = desk.getByTestId('booking-dialog');

	// Book without a patient and with a reason too long: both are named at once, each beside its field.
	await dialog.getByLabel('Reason').fill('x'.repeat(500));
	await dialog.getByLabel('Reason').evaluate((el: HTMLInputElement) => {
		el.removeAttribute('maxlength');
		el.value = 'x'.repeat(501);
		el.dispatchEvent(new Event('input', { bubbles: true }));
	});
	await dialog.getByRole('button', { name: 'Book', exact: true }).click();
	await expect(dialog.getByText('Choose a patient.')).toBeVisible();
	await expect(dialog.getByLabel('Patient')).toHaveAttribute('aria-invalid', 'true');
	await expect(dialog.getByLabel('Reason')).toHaveAttribute('aria-invalid', 'true');
	await expect(dialog.locator('#booking-reason-error')).toBeVisible();
	await dialog.getByLabel('Reason').fill('First visit');

	// Nobody by that name: "New patient" opens the short form with what was typed.
	const name = `Parveen New ${rand()}`;
	await dialog.getByLabel('Patient').fill(name);
	await expect(dialog.getByText('No patient found.')).toBeVisible();
	await dialog.getByRole('button', { name: 'New patient' }).click();
	const form = desk.getByTestId('new-patient-form');
	await expect(form.getByLabel('Full name')).toHaveValue(name);

	// Every problem at once, beside its field; nothing is registered.
	await form.getByLabel('Full name').fill('');
	await form.getByLabel('Phone').fill('12');
	await form.getByLabel('Or age in years').fill('300');
	await form.getByRole('button', { name: 'Register and choose' }).click();
	for (const field of ['Full name', 'Phone', 'Or age in years']) await expect(form.getByLabel(field)).toHaveAttribute('aria-invalid', 'true');
	await expect(form.locator('.field-error')).toHaveCount(3);
	await expect(form.getByLabel('Full name')).toBeFocused();

	// Corrected, the new patient is chosen in the booking, which books them.
	await form.getByLabel('Full name').fill(name);
	await form.getByLabel('Phone').fill('');
	await form.getByLabel('Or age in years').fill('34');
	await form.getByRole('button', { name: 'Register and choose' }).click();
	await expect(form).toBeHidden();
	await expect(dialog).toContainText(name);
	await expect(dialog.getByLabel('Reason')).toHaveValue('First visit');
	await dialog.getByRole('button', { name: 'Book', exact: true }).click();
	await expect(dialog).toBeHidden();
	await expect(desk.getByTestId('calendar')).toContainText(name);
	const listed = await desk.request.get(`/api/v1/clinics/${CLINIC.code}/appointments?date=${day}`);
	const { appointments } = await listed.json();
	expect(appointments.map((a: { patientName: string }) => a.patientName)).toContain(name);

	// The same name and phone as a registered patient: the desk may choose that record instead.
	await clickSlot(desk, doctor.name, '11:00');
	await dialog.getByLabel('Patient').fill('Zz');
	await dialog.getByRole('button', { name: 'New patient' }).click();
	await form.getByLabel('Full name').fill('Kamran');
	await form.getByLabel('Phone').fill(phone);
	await form.getByRole('button', { name: 'Register and choose' }).click();
	await expect(form.getByRole('alert')).toContainText(existing.name);
	await form.getByRole('button', { name: 'Choose this patient' }).click();
	await expect(dialog).toContainText(existing.name);
	await expectAccessible(desk);
	await screenshots(desk, 'calendar-new-patient');
});

test('in Urdu the booking dialog registers a new patient and books them', async ({ browser }) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const doctor = await addStaff(admin, 'doctor', `Dr Shazia ${rand()}`);
	await setFullWeek(admin, doctor.id);
	const day = await tomorrow(admin);
	const desk = await pageFor(browser, ADMIN.email, ADMIN.password, 'ur');
	await desk.goto(`/${CLINIC.code}/calendar?date=${day}&view=day`);
	await waitLive(desk);
	await clickSlot(desk, doctor.name, '10:00');
	const dialog = desk.getByTestId('booking-dialog');
	const name = `نسرین ${rand()}`;
	await dialog.getByLabel('مریض', { exact: true }).fill(name);
	await dialog.getByRole('button', { name: 'نیا مریض' }).click();
	const form = desk.getByTestId('new-patient-form');
	await form.getByLabel('فون').fill('12');
	await form.getByRole('button', { name: 'اندراج کریں اور منتخب کریں' }).click();
	await expect(form.getByLabel('فون')).toHaveAttribute('aria-invalid', 'true');
	await expect(form.locator('.field-error')).toHaveCount(1);
	await screenshots(desk, 'calendar-new-patient-ur');
	await form.getByLabel('فون').fill('');
	await form.getByRole('button', { name: 'اندراج کریں اور منتخب کریں' }).click();
	await expect(dialog).toContainText(name);
	await dialog.getByRole('button', { name: 'بُک کریں', exact: true }).click();
	await expect(dialog).toBeHidden();
	await expect(desk.getByTestId('calendar')).toContainText(name);
});
