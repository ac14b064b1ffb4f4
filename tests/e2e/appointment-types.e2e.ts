import type { Page } from '@playwright/test';
import { ADMIN, CLINIC, expect, expectAccessible, pageFor, PASSWORD, rand, test } from './fixtures';
import { addPatient, addStaff, clickSlot, pickPatient, screenshots, setFullWeek, slotAt, waitLive } from './calendarHelpers';
import { addDays } from '../../src/lib/time';

type Listed = { patientName: string; start: string; end: string; type: { name: string; color: string } | null };

async function listed(page: Page, day: string): Promise<Listed[]> {
	const response = await page.request.get(`/api/v1/clinics/${CLINIC.code}/appointments?date=${day}`);
	return (await response.json()).appointments;
}

/** The computed colours of the calendar's appointment of this patient. */
async function coloursOf(page: Page, patient: string) {
	return page
		.locator('.ec-event', { hasText: patient })
		.evaluate((el) => ({ background: getComputedStyle(el).backgroundColor, text: getComputedStyle(el).color }));
}

test('an admin adds an appointment type; the desk books with it, once and weekly, and the calendar draws it in its colour', async ({ browser }) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const doctor = await addStaff(admin, 'doctor', `Dr Nadia ${rand()}`);
	const reception = await addStaff(admin, 'reception', `Rubina Desk ${rand()}`);
	await setFullWeek(admin, doctor.id);
	const [sana, bilal, zara, other] = await Promise.all(['Sana', 'Bilal', 'Zara', 'Hamid'].map((n) => addPatient(admin, `${n} Types ${rand()}`)));

	// The admin finds the screen in the navigation, is told what is wrong with a bad length, then adds the type.
	await admin.getByRole('link', { name: 'Appointment types' }).click();
	await expect(admin.getByRole('heading', { name: 'Appointment types', level: 1 })).toBeVisible();
	const create = admin.getByTestId('type-create');
	const typeName = `Dressing change ${rand()}`;
	await create.getByLabel('Name').fill(typeName);
	await create.getByLabel('Length in minutes').fill('7');
	await create.getByLabel('Colour').fill('#7c3aed');
	await create.getByRole('button', { name: 'Add type' }).click();
	await expect(create.getByText('The length must be a whole number of minutes from 5 to 480, in steps of 5.')).toBeVisible();
	await expect(create.getByLabel('Length in minutes')).toHaveAttribute('aria-invalid', 'true');
	await create.getByLabel('Length in minutes').fill('30');
	await create.getByRole('button', { name: 'Add type' }).click();
	await expect(admin.getByText('Type added.')).toBeVisible();
	await expect(admin.getByTestId('appointment-type').filter({ hasText: typeName })).toContainText('30 min');
	await expectAccessible(admin);
	await screenshots(admin, 'appointment-types');

	// Reception books tomorrow at 10:00 with the type: the times offered last 30 minutes.
	const desk = await pageFor(browser, reception.email, PASSWORD);
	// The types screen is the admin's: the desk is refused it (and has no link to it).
	expect((await desk.goto(`/${CLINIC.code}/admin/appointment-types`))?.status()).toBe(403);
	await expect(desk.getByRole('link', { name: 'Appointment types' })).toHaveCount(0);
	await desk.goto(`/${CLINIC.code}/calendar`);
	await desk.getByRole('link', { name: 'Next', exact: true }).click();
	await expect(desk).toHaveURL(/date=\d{4}-\d{2}-\d{2}/);
	const day = new URL(desk.url()).searchParams.get('date') ?? '';
	await waitLive(desk);
	await clickSlot(desk, doctor.name, '10:00');
	const dialog = desk.getByTestId('booking-dialog');
	await pickPatient(desk, sana.name);
	await dialog.getByLabel('Appointment type').selectOption({ label: `${typeName} · 30 min` });
	await expect(dialog.getByLabel('Time').locator('option:checked')).toHaveText(/10:00.*–.*10:30/);
	await dialog.getByRole('button', { name: 'Book', exact: true }).click();
	await expect(dialog).toBeHidden();

	// The calendar draws it in the type's colour with white text (the colour is dark), and the legend names the type.
	await expect(desk.locator('.ec-event', { hasText: sana.name })).toContainText(typeName);
	expect(await coloursOf(desk, sana.name)).toEqual({ background: 'rgb(124, 58, 237)', text: 'rgb(255, 255, 255)' });
	await expect(desk.getByTestId('type-legend')).toContainText(typeName);
	const sanas = (await listed(desk, day)).filter((a) => a.patientName === sana.name);
	expect(sanas.map((a) => [a.start.slice(11, 16), a.end.slice(11, 16), a.type?.color])).toEqual([
		[sanas[0].start.slice(11, 16), sanas[0].end.slice(11, 16), '#7c3aed']
	]);
	expect(Date.parse(sanas[0].end) - Date.parse(sanas[0].start)).toBe(30 * 60_000);

	// A weekly repeat of 3 from 11:00: three bookings a week apart, each of the type.
	await clickSlot(desk, doctor.name, '11:00');
	await pickPatient(desk, bilal.name);
	await dialog.getByLabel('Appointment type').selectOption({ label: `${typeName} · 30 min` });
	await dialog.getByTestId('booking-repeat').check();
	await dialog.getByLabel('Every').fill('1');
	await dialog.getByLabel('Times in all').fill('3');
	await expect(dialog).toContainText('3 appointments, the last on');
	await dialog.getByRole('button', { name: 'Book', exact: true }).click();
	await expect(dialog).toBeHidden();
	for (const week of [0, 7, 14]) {
		const booked = (await listed(desk, addDays(day, week))).filter((a) => a.patientName === bilal.name);
		expect(booked.map((a) => a.type?.name)).toEqual([typeName]);
	}
	await expect(desk.locator('.ec-event', { hasText: bilal.name })).toContainText(typeName);

	// A series over a taken date books nothing and lists the date; "Book the others" books the rest.
	const blocked = await slotAt(admin, doctor.id, addDays(day, 7), '12:00');
	await admin.request.post(`/api/v1/clinics/${CLINIC.code}/appointments`, {
		data: { patientId: other.id, doctorId: doctor.id, start: blocked, idempotencyKey: `e2e-${rand()}${rand()}` }
	});
	await clickSlot(desk, doctor.name, '12:00');
	await pickPatient(desk, zara.name);
	await dialog.getByTestId('booking-repeat').check();
	await dialog.getByLabel('Every').fill('1');
	await dialog.getByLabel('Times in all').fill('3');
	await dialog.getByRole('button', { name: 'Book', exact: true }).click();
	const clashes = dialog.getByTestId('series-clashes');
	await expect(clashes).toContainText('nothing was booked');
	await expect(clashes.getByTestId('series-clash')).toHaveCount(1);
	await expect(clashes.getByTestId('series-clash')).toContainText('That slot was just taken');
	expect((await listed(desk, day)).filter((a) => a.patientName === zara.name)).toEqual([]);
	await expectAccessible(desk);
	await screenshots(desk, 'booking-clashes');
	await clashes.getByRole('button', { name: 'Book the others' }).click();
	await expect(dialog).toBeHidden();
	const zaras = await Promise.all([0, 7, 14].map(async (week) => (await listed(desk, addDays(day, week))).filter((a) => a.patientName === zara.name).length));
	expect(zaras).toEqual([1, 0, 1]);

	await screenshots(desk, 'calendar-types');
});

test('in Urdu, right to left: the types screen, and the calendar with a typed booking and its legend', async ({ browser }) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password, 'ur');
	const doctor = await addStaff(admin, 'doctor', `ڈاکٹر نادیہ ${rand()}`);
	await setFullWeek(admin, doctor.id);
	const patient = await addPatient(admin, `ثنا ${rand()}`);
	const made = await admin.request.post(`/api/v1/clinics/${CLINIC.code}/appointment-types`, {
		data: { name: `پٹی کی تبدیلی ${rand()}`, minutes: 45, color: '#FDE68A' }
	});
	expect(made.status()).toBe(201);
	const type: { id: string; name: string; color: string } = await made.json();
	expect(type.color).toBe('#fde68a');

	await admin.goto(`/${CLINIC.code}/admin/appointment-types`);
	await expect(admin.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(admin.getByRole('heading', { name: 'اپائنٹمنٹ کی اقسام', level: 1 })).toBeVisible();
	await expect(admin.getByTestId('appointment-type').filter({ hasText: type.name })).toContainText('45 منٹ');
	await expectAccessible(admin);
	await screenshots(admin, 'appointment-types-ur');

	await admin.goto(`/${CLINIC.code}/calendar`);
	await admin.getByRole('link', { name: 'اگلا', exact: true }).click();
	await expect(admin).toHaveURL(/date=\d{4}-\d{2}-\d{2}/);
	const day = new URL(admin.url()).searchParams.get('date') ?? '';
	const start = await slotAt(admin, doctor.id, day, '10:00');
	const booked = await admin.request.post(`/api/v1/clinics/${CLINIC.code}/appointments`, {
		data: { patientId: patient.id, doctorId: doctor.id, start, typeId: type.id, idempotencyKey: `e2e-${rand()}${rand()}` }
	});
	expect(booked.status()).toBe(201);
	await waitLive(admin);
	// A light colour gets black text.
	await expect(admin.locator('.ec-event', { hasText: patient.name })).toContainText(type.name);
	expect(await coloursOf(admin, patient.name)).toEqual({ background: 'rgb(253, 230, 138)', text: 'rgb(0, 0, 0)' });
	await expect(admin.getByTestId('type-legend')).toContainText(type.name);
	await expectAccessible(admin);
	await screenshots(admin, 'calendar-types-ur');
});
