import type { Page } from '@playwright/test';
import { ADMIN, CLINIC, expect, pageFor, PASSWORD, rand, test } from './fixtures';
import { addPatient, addStaff, bookAt, setFullWeek, tomorrow, waitLive } from './calendarHelpers';

/** Pixels per 15-minute row of the grid (ClinicCalendar's SLOT_HEIGHT). */
const ROW = 26;
const minutes = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/**
 * Drags an appointment with the mouse, as a person does, from its start time to another time
 * (and, in the day view, another doctor's column). What makes it reliable:
 * - the grid scrolls its own box by itself when the pointer nears the edge, so the whole journey is
 *   first brought into the middle of the box and checked to stay clear of the window's edges;
 * - the pointer grabs the middle of the event's first row and lands in the middle of the target
 *   row, never on a line between two rows;
 * - hover, press, then a small move past the library's 5 px threshold, and wait until the
 *   calendar says a drag is on (`data-dragging`) before travelling;
 * - travel in steps with short pauses, so each pointermove is handled in its own frame;
 * - release only when the library's preview shows the target time.
 */
async function dragAppointment(page: Page, patient: string, from: string, to: string, toDoctor?: string) {
	const calendar = page.getByTestId('calendar');
	const event = calendar.locator('.ec-event:not(.ec-preview):not(.ec-ghost)', { hasText: patient });
	await expect(event).toContainText(from);
	const dy = ((minutes(to) - minutes(from)) / 15) * ROW;
	// The target column first (it may scroll the page up to the column heads), then the rows.
	const column = toDoctor ? calendar.locator('.ec-col-head', { hasText: toDoctor }) : null;
	if (column) await column.scrollIntoViewIfNeeded();
	// The grid scrolls in its own box: the box into the middle of the window, then the journey into the middle of the box.
	const grid = calendar.locator('.ec-main');
	await grid.evaluate((el) => el.scrollIntoView({ block: 'center' }));
	const first = await event.boundingBox();
	if (!first) throw new Error(`${patient} is not on the calendar`);
	await grid.evaluate(
		(el, y) => el.scrollBy({ top: y - (el.getBoundingClientRect().top + el.clientHeight / 2), behavior: 'instant' }),
		first.y + ROW / 2 + dy / 2
	);
	const box = await event.boundingBox();
	const target = column ? await column.boundingBox() : null;
	const size = page.viewportSize();
	if (!box || !size || (column && !target)) throw new Error('the drag cannot be measured');
	const start = { x: box.x + box.width / 2, y: box.y + ROW / 2 };
	const end = { x: target ? target.x + target.width / 2 : start.x, y: start.y + dy };
	for (const point of [start, end]) {
		if (point.y < 60 || point.y > size.height - 60 || point.x < 0 || point.x > size.width) throw new Error(`drag point ${JSON.stringify(point)} is off screen`);
	}

	await page.mouse.move(start.x, start.y);
	await page.waitForTimeout(50);
	await page.mouse.down();
	await page.mouse.move(start.x, start.y + 4);
	await page.mouse.move(start.x, start.y + 8);
	await expect(calendar).toHaveAttribute('data-dragging', 'true');
	const steps = 10;
	for (let i = 1; i <= steps; i++) {
		await page.mouse.move(start.x + ((end.x - start.x) * i) / steps, start.y + 8 + ((end.y - start.y - 8) * i) / steps);
		await page.waitForTimeout(25);
	}
	await expect(calendar.locator('.ec-preview')).toContainText(to);
	await page.mouse.up();
	await expect(calendar).not.toHaveAttribute('data-dragging', 'true');
}

/** Is the patient's appointment drawn in that doctor's column of the day view? */
async function inColumnOf(page: Page, patient: string, doctor: string): Promise<boolean> {
	const event = await page.locator('.ec-event', { hasText: patient }).boundingBox();
	const column = await page.locator('.ec-col-head', { hasText: doctor }).boundingBox();
	if (!event || !column) return false;
	const middle = event.x + event.width / 2;
	return middle > column.x && middle < column.x + column.width;
}

test('dragging with the mouse moves an appointment for everyone, and a refused drop snaps back with the reason', async ({ browser }) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	// Names that sort next to each other, so the two columns sit side by side.
	const tag = rand();
	const doctorA = await addStaff(admin, 'doctor', `Dr Drag A ${tag}`);
	const doctorB = await addStaff(admin, 'doctor', `Dr Drag B ${tag}`);
	const reception = await addStaff(admin, 'reception', `Rafia Desk ${tag}`);
	const sana = await addPatient(admin, `Sana Drag ${tag}`);
	const omar = await addPatient(admin, `Omar Drag ${tag}`);
	for (const doctor of [doctorA, doctorB]) await setFullWeek(admin, doctor.id);
	const day = await tomorrow(admin);
	await bookAt(admin, sana.id, doctorA.id, day, '10:00');
	await bookAt(admin, omar.id, doctorA.id, day, '11:00');

	const desk = await pageFor(browser, reception.email, PASSWORD);
	// Tall enough for the grid's box to hold a seven-hour drag clear of the edges where it scrolls by itself.
	await desk.setViewportSize({ width: 1280, height: 1100 });
	for (const page of [admin, desk]) {
		await page.goto(`/${CLINIC.code}/calendar?date=${day}&view=day`);
		await waitLive(page);
	}
	await expect(desk.locator('.ec-event', { hasText: omar.name })).toContainText('11:00');

	// Onto Sana's time: the server refuses, the appointment goes back, the desk is told why.
	await dragAppointment(desk, omar.name, '11:00', '10:00');
	await expect(desk.getByTestId('calendar-error')).toHaveText('That slot was just taken. Please choose another.');
	await expect(desk.locator('.ec-event', { hasText: omar.name })).toContainText('11:00');
	await expect(desk.locator('.ec-event', { hasText: sana.name })).toContainText('10:00');

	// After the doctor's hours (09:00–17:00): refused the same way.
	await dragAppointment(desk, omar.name, '11:00', '18:00');
	await expect(desk.getByTestId('calendar-error')).toHaveText('The doctor does not work at that time.');
	await expect(desk.locator('.ec-event', { hasText: omar.name })).toContainText('11:00');

	// To a free time: the move is saved and the admin's calendar follows without a reload.
	await dragAppointment(desk, omar.name, '11:00', '14:00');
	await expect(desk.getByTestId('calendar-error')).toBeHidden();
	await expect(admin.locator('.ec-event', { hasText: omar.name })).toContainText('14:00');

	// To another doctor's column: the admin sees it under Dr B.
	await dragAppointment(desk, omar.name, '14:00', '15:30', doctorB.name);
	await expect(admin.locator('.ec-event', { hasText: omar.name })).toContainText('15:30');
	await expect.poll(() => inColumnOf(admin, omar.name, doctorB.name)).toBe(true);
	await expect.poll(() => inColumnOf(desk, omar.name, doctorB.name)).toBe(true);
	// What the server holds, not only what the screens draw.
	const listed = await admin.request.get(`/api/v1/clinics/${CLINIC.code}/appointments?date=${day}`);
	const { appointments } = await listed.json();
	expect(appointments.find((a: { patientId: string }) => a.patientId === omar.id)).toMatchObject({ doctorId: doctorB.id });
	expect(appointments.find((a: { patientId: string }) => a.patientId === sana.id)).toMatchObject({ doctorId: doctorA.id });
});
