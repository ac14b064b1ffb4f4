import type { Page } from '@playwright/test';
import { ADMIN, CLINIC, expect, expectAccessible, pageFor, PASSWORD, rand, test } from './fixtures';

const api = () => `/api/v1/clinics/${CLINIC.code}`;

/** With HOME_SCREENSHOTS=<dir>, keeps desktop and phone pictures of a page for review. */
async function screenshots(page: Page, name: string) {
	const dir = process.env.HOME_SCREENSHOTS;
	if (!dir) return;
	for (const [label, width] of [
		['desktop', 1280],
		['phone', 390]
	] as const) {
		await page.setViewportSize({ width, height: 900 });
		await page.screenshot({ path: `${dir}/${name}-${label}.png`, fullPage: true });
	}
}

test('a new clinic’s admin ticks off the setup checklist, and the desk’s home follows the day live', async ({ browser }) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const checklist = admin.getByTestId('setup-checklist');
	await expect(checklist).toBeVisible();
	await expect(admin.getByTestId('setup-doctors')).toHaveAttribute('data-done', 'false');
	await expect(admin.getByTestId('setup-patient')).toHaveAttribute('data-done', 'false');
	await expect(checklist.getByRole('link', { name: 'Add a doctor' })).toHaveAttribute('href', `/${CLINIC.code}/admin/members`);
	await expect(admin.getByTestId('home-admin')).toContainText('Today in numbers');
	await expectAccessible(admin);
	await screenshots(admin, 'home-admin-en');

	const people = {
		doctor: { name: `Dr Rehan ${rand()}`, email: `rehan-${rand()}@clinic.test`, role: 'doctor' },
		desk: { name: `Desk ${rand()}`, email: `desk-${rand()}@clinic.test`, role: 'reception' }
	};
	const ids: Record<string, string> = {};
	for (const [key, person] of Object.entries(people)) {
		const res = await admin.request.post(`${api()}/members`, { data: { ...person, password: PASSWORD } });
		expect(res.status(), await res.text()).toBe(201);
		ids[key] = (await res.json()).userId;
	}
	const patient = await admin.request.post(`${api()}/patients`, { data: { name: `Sadia Noor ${rand()}`, allowDuplicate: true } });
	expect(patient.status()).toBe(201);
	await admin.reload();
	await expect(admin.getByTestId('setup-doctors')).toHaveAttribute('data-done', 'true');
	await expect(admin.getByTestId('setup-patient')).toHaveAttribute('data-done', 'true');

	// The desk's home: nobody checked in yet; a check-in elsewhere shows without a reload.
	const desk = await pageFor(browser, people.desk.email, PASSWORD);
	await expect(desk.getByTestId('home-desk')).toBeVisible();
	await expect(desk.getByTestId('home-admin')).toHaveCount(0);
	await expect(desk.getByTestId('setup-checklist')).toHaveCount(0);
	await expect(desk.getByTestId('desk-checked-in')).toHaveText('0');
	const checkIn = await admin.request.post(`${api()}/queue/check-in`, {
		data: { patientId: (await patient.json()).id, doctorId: ids.doctor, idempotencyKey: `e2e-${rand()}${rand()}` }
	});
	expect(checkIn.status(), await checkIn.text()).toBe(201);
	await expect(desk.getByTestId('desk-checked-in')).toHaveText('1');
	await expect(desk.getByTestId('desk-waiting')).toHaveText('1');
	await screenshots(desk, 'home-desk-en');

	// The doctor's home: the patient waiting for them.
	const doctor = await pageFor(browser, people.doctor.email, PASSWORD, 'ur');
	await expect(doctor.getByTestId('home-doctor')).toContainText('آپ کے منتظر');
	await expect(doctor.getByTestId('home-doctor')).toContainText('Sadia Noor');
	await expect(doctor.getByTestId('home-desk')).toHaveCount(0);
	await expectAccessible(doctor);
	await screenshots(doctor, 'home-doctor-ur');

	const urduAdmin = await pageFor(browser, ADMIN.email, ADMIN.password, 'ur');
	await expect(urduAdmin.getByTestId('setup-checklist')).toContainText('اپنا کلینک تیار کریں');
	await screenshots(urduAdmin, 'home-admin-ur');
	for (const page of [admin, desk, doctor, urduAdmin]) await page.context().close();
});
