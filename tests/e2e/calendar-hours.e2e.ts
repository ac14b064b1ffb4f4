import { ADMIN, CLINIC, expect, pageFor, rand, test } from './fixtures';
import { addPatient, addStaff, bookAt, tomorrow, waitLive } from './calendarHelpers';
import { addDays } from '../../src/lib/time';

const api = () => `/api/v1/clinics/${CLINIC.code}`;

test('the calendar shades a doctor’s hours off (before, the break, after, a day of leave) live, and 10-minute appointments get rows of their own', async ({
	browser
}) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const doctor = await addStaff(admin, 'doctor', `Dr Hours ${rand()}`);
	// A day of its own, weeks ahead: the other calendar specs work on tomorrow and count 15-minute rows.
	const day = addDays(await tomorrow(admin), 30);
	const weekly = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
		weekday,
		start: '09:00',
		end: '12:00',
		slotMinutes: 10,
		breaks: [{ start: '10:00', end: '10:30' }]
	}));
	expect((await admin.request.put(`${api()}/doctors/${doctor.id}/availability`, { data: { weekly } })).status()).toBe(200);
	const patient = await addPatient(admin, `Short Visit ${rand()}`);
	await bookAt(admin, patient.id, doctor.id, day, '09:10');

	await admin.goto(`/${CLINIC.code}/calendar?date=${day}`);
	await waitLive(admin);
	await admin.locator('#calendar-doctor').selectOption(doctor.id);
	const calendar = admin.getByTestId('calendar');
	const off = calendar.locator('.ec-bg-event.off-hours');
	// 07:00–09:00, the 10:00–10:30 break, 12:00–22:00.
	await expect(off).toHaveCount(3);
	const [early, lunch] = [await off.nth(0).boundingBox(), await off.nth(1).boundingBox()];
	expect(early && lunch && lunch.y > early.y).toBe(true);

	// A 10-minute appointment is a whole row high, with room for its line of text.
	const event = calendar.locator('.ec-event', { hasText: patient.name });
	await expect(event).toContainText('9:10');
	const box = await event.boundingBox();
	expect(box?.height).toBeGreaterThanOrEqual(22);

	// Leave that day, set from another screen, keeping the booking (the command asks first: 409 without a choice):
	// the whole column turns off, without a reload.
	const exceptions = [{ date: day, off: true, reason: 'Leave' }];
	expect((await admin.request.put(`${api()}/doctors/${doctor.id}/availability`, { data: { weekly, exceptions } })).status()).toBe(409);
	expect((await admin.request.put(`${api()}/doctors/${doctor.id}/availability`, { data: { weekly, exceptions, appointments: 'keep' } })).status()).toBe(200);
	await expect(off).toHaveCount(1);
	await expect(event).toBeVisible(); // the booking stays, for the desk to move
});
