import type { Page } from '@playwright/test';
import { CLINIC, expect, PASSWORD, rand } from './fixtures';

/** People, hours and bookings for the calendar and waitlist specs, made through the JSON API. */

async function api(page: Page, method: 'post' | 'put', path: string, data: Record<string, unknown>, status: number): Promise<Record<string, unknown>> {
	const response = await page.request[method](`/api/v1/clinics/${CLINIC.code}${path}`, { data });
	expect(response.status(), await response.text()).toBe(status);
	return response.json();
}

export async function addStaff(admin: Page, role: 'doctor' | 'nurse' | 'reception' | 'pharmacist', name: string) {
	const email = `${role}-${rand()}@clinic.test`;
	const body = await api(admin, 'post', '/members', { name, email, role, password: PASSWORD }, 201);
	return { id: String(body.userId), name, email };
}

export async function addPatient(admin: Page, name: string) {
	const body = await api(admin, 'post', '/patients', { name, allowDuplicate: true }, 201);
	return { id: String(body.id), name };
}

/** 09:00–17:00 every day in 15-minute slots. */
export async function setFullWeek(admin: Page, doctorId: string) {
	const weekly = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '09:00', end: '17:00', slotMinutes: 15 }));
	await api(admin, 'put', `/doctors/${doctorId}/availability`, { weekly }, 200);
}

/** The instant of a free slot of the doctor on a clinic day, found by its wall-clock time ("10:00"). */
export async function slotAt(page: Page, doctorId: string, day: string, time: string): Promise<string> {
	const response = await page.request.get(`/api/v1/clinics/${CLINIC.code}/slots?doctor=${doctorId}&date=${day}`);
	const body: { slots: { start: string }[] } = await response.json();
	const slot = body.slots.find((s) => s.start.slice(11, 16) === time);
	if (!slot) throw new Error(`no free slot at ${time} on ${day}`);
	return slot.start;
}

export async function bookAt(page: Page, patientId: string, doctorId: string, day: string, time: string) {
	const start = await slotAt(page, doctorId, day, time);
	const body = await api(page, 'post', '/appointments', { patientId, doctorId, start, idempotencyKey: `e2e-${rand()}${rand()}` }, 201);
	return { id: String(body.id), start };
}

/** Tomorrow in the clinic's calendar (the app's own Next button knows the clinic's today). */
export async function tomorrow(page: Page): Promise<string> {
	await page.goto(`/${CLINIC.code}/calendar`);
	await page.getByRole('link', { name: 'Next', exact: true }).click();
	await expect(page).toHaveURL(/date=\d{4}-\d{2}-\d{2}/);
	return new URL(page.url()).searchParams.get('date') ?? '';
}

/** Clicks the empty grid at a doctor's column and a time of day, as a receptionist would. */
export async function clickSlot(page: Page, doctor: string, time: string) {
	const label = page.locator('.ec-body .ec-sidebar time', { hasText: new RegExp(`^${time}$`) });
	const head = page.locator('.ec-col-head', { hasText: doctor });
	// With many doctors (the shared e2e clinic has dozens) the grid scrolls sideways too: bring the doctor's column in.
	await head.evaluate((el) => el.scrollIntoView({ block: 'nearest', inline: 'center' }));
	// The middle of the grid's own scrolling box: at its edge the row may sit under the doctors' heads or below the box.
	await label.evaluate((el) => el.scrollIntoView({ block: 'center', inline: 'nearest' }));
	const column = await head.boundingBox();
	const row = await label.boundingBox();
	if (!column || !row) throw new Error(`no slot at ${doctor} ${time}`);
	// Hour labels sit on the line where their hour starts: half a 15-minute row below is inside it.
	await page.mouse.click(column.x + column.width / 2, row.y + row.height / 2 + 13);
}

export async function pickPatient(page: Page, name: string, dialog = page.getByTestId('booking-dialog')) {
	// Typing all but the last letter, as people do.
	await dialog.getByLabel('Patient').fill(name.slice(0, -1));
	await dialog.getByRole('button', { name: new RegExp(name) }).click();
}

/** Waits until the page's live documents are connected and its calendar shows them. */
export async function waitLive(page: Page) {
	await expect(page.locator('[data-state="live"]').first()).toBeVisible();
	await expect(page.getByTestId('calendar')).toHaveAttribute('data-synced', 'true');
}

/** With CALENDAR_SCREENSHOTS=<dir>, keeps desktop and phone pictures of a page for review. */
export async function screenshots(page: Page, name: string) {
	const dir = process.env.CALENDAR_SCREENSHOTS;
	if (!dir) return;
	// From the top: a full-page picture of a scrolled page draws the sticky header mid-page.
	await page.evaluate(() => window.scrollTo(0, 0));
	for (const [label, width] of [
		['desktop', 1280],
		['phone', 390]
	] as const) {
		await page.setViewportSize({ width, height: 900 });
		await page.screenshot({ path: `${dir}/${name}-${label}.png`, fullPage: true });
	}
	await page.setViewportSize({ width: 1280, height: 720 });
}
