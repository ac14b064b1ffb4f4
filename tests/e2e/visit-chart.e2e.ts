import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { ADMIN, CLINIC, expect, expectAccessible, pageFor, PASSWORD, rand, test } from './fixtures';

const api = () => `/api/v1/clinics/${CLINIC.code}`;
const key = () => `e2e-${rand()}${rand()}`;

/** With CHART_SCREENSHOTS=<dir>, keeps laptop and tablet pictures of the chart for review. */
async function screenshots(page: Page, name: string) {
	const dir = process.env.CHART_SCREENSHOTS;
	if (!dir) return;
	mkdirSync(dir, { recursive: true });
	const before = page.viewportSize();
	for (const [label, width] of [
		['laptop', 1280],
		['tablet', 768]
	] as const) {
		await page.setViewportSize({ width, height: 900 });
		await page.screenshot({ path: `${dir}/${name}-${label}.png`, fullPage: true });
	}
	if (before) await page.setViewportSize(before);
}

async function userIdOf(admin: Page, email: string): Promise<string> {
	const { members } = await (await admin.request.get(`${api()}/members`)).json();
	return members.find((m: { email: string }) => m.email === email).userId;
}

test('a doctor and a nurse write one chart at once from two screens, see each other, and an impossible pulse is refused', async ({ browser }) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const people = {
		doctor: { name: `Dr Hina ${rand()}`, email: `hina-${rand()}@clinic.test`, role: 'doctor' },
		nurse: { name: `Nurse Rabia ${rand()}`, email: `rabia-${rand()}@clinic.test`, role: 'nurse' },
		desk: { name: `Desk Ali ${rand()}`, email: `desk-${rand()}@clinic.test`, role: 'reception' },
		colleague: { name: `Dr Saad ${rand()}`, email: `saad-${rand()}@clinic.test`, role: 'doctor' }
	};
	for (const person of Object.values(people)) {
		const res = await admin.request.post(`${api()}/members`, { data: { ...person, password: PASSWORD } });
		expect(res.status(), await res.text()).toBe(201);
	}
	const doctorId = await userIdOf(admin, people.doctor.email);
	const patientName = `Bilal Ahmed ${rand()}`;
	const patient = await admin.request.post(`${api()}/patients`, { data: { name: patientName, dateOfBirth: '1980-04-02', sex: 'male', allowDuplicate: true } });
	expect(patient.status(), await patient.text()).toBe(201);
	const checkIn = await admin.request.post(`${api()}/queue/check-in`, { data: { patientId: (await patient.json()).id, doctorId, idempotencyKey: key() } });
	expect(checkIn.status(), await checkIn.text()).toBe(201);

	// The doctor calls the token and opens the chart from the queue.
	const doctor = await pageFor(browser, people.doctor.email, PASSWORD);
	await doctor.goto(`/${CLINIC.code}/queue`);
	await doctor.getByRole('button', { name: 'Call next' }).click();
	await doctor.getByTestId('open-chart').click();
	await expect(doctor).toHaveURL(new RegExp(`/${CLINIC.code}/visits/[0-9a-f-]{36}$`));
	const chartUrl = new URL(doctor.url()).pathname;
	await expect(doctor.getByRole('heading', { name: patientName })).toBeVisible();
	await expect(doctor.getByTestId('visit-status')).toHaveText('Open');
	await expect(doctor.getByRole('status', { name: /Connection: Live/ })).toBeVisible();

	// The nurse opens the same chart on another screen; each sees the other in the presence bar.
	const nurse = await pageFor(browser, people.nurse.email, PASSWORD);
	await nurse.goto(chartUrl);
	await expect(nurse.getByRole('status', { name: /Connection: Live/ })).toBeVisible();
	await expect(doctor.getByTestId('presence-peer').filter({ hasText: people.nurse.name })).toBeVisible();
	await expect(nurse.getByTestId('presence-peer').filter({ hasText: people.doctor.name })).toBeVisible();

	// The nurse takes the vitals; the doctor sees them arrive, flagged where abnormal.
	await nurse.getByTestId('vital-systolic').fill('150');
	await nurse.getByTestId('vital-diastolic').fill('95');
	await nurse.getByTestId('vital-weightKg').fill('80');
	await nurse.getByTestId('vital-heightCm').fill('175');
	await nurse.getByTestId('vital-heightCm').press('Tab');
	await expect(nurse.getByTestId('vital-bmi')).toHaveText('26.1 kg/m²');
	await expect(doctor.getByTestId('vital-systolic')).toHaveValue('150');
	await expect(doctor.getByTestId('vital-systolic-flag')).toHaveText('High for age');
	await expect(doctor.getByTestId('vital-bmi')).toHaveText('26.1 kg/m²');

	// Completing before there is a diagnosis or a reason: the server refuses, and says so beside the diagnoses.
	await doctor.getByTestId('complete-visit').click();
	await expect(doctor.getByTestId('chart-incomplete')).toHaveText('Add a diagnosis, or write why there is none, before completing the visit.');
	await expect(doctor.getByTestId('visit-status')).toHaveText('Open');

	// An impossible pulse is refused beside its input and never reaches the doctor.
	await nurse.getByTestId('vital-pulse').fill('900');
	await nurse.getByTestId('vital-pulse').press('Tab');
	await expect(nurse.getByText('Pulse must be between 20 and 300 /min. Not saved.')).toBeVisible();
	await expect(nurse.getByTestId('vital-pulse')).toHaveAttribute('aria-invalid', 'true');
	await nurse.getByTestId('vital-pulse').fill('88');
	await nurse.getByTestId('vital-pulse').press('Tab');
	await expect(nurse.getByText('Pulse must be between 20 and 300 /min. Not saved.')).toHaveCount(0);
	await expect(doctor.getByTestId('vital-pulse')).toHaveValue('88');

	// The nurse writes an observation while the doctor writes symptoms; each sees the other's text and caret.
	await nurse.getByTestId('chart-observations').click();
	await nurse.keyboard.type('Chest clear, no oedema');
	await doctor.getByTestId('chart-symptoms').click();
	await doctor.keyboard.type('Headache for three days');
	await expect(doctor.getByTestId('chart-observations')).toContainText('Chest clear, no oedema');
	await expect(nurse.getByTestId('chart-symptoms')).toContainText('Headache for three days');
	await expect(nurse.getByTestId('chart-symptoms').locator('.collaboration-carets__label')).toHaveText(people.doctor.name);
	await doctor.getByTestId('chart-complaint').fill('Headache');
	await expect(nurse.getByTestId('chart-complaint')).toHaveValue('Headache');

	// A free-text diagnosis from the doctor reaches the nurse.
	await doctor.getByTestId('icd-search').fill('Tension headache (clinical)');
	await doctor.getByTestId('add-free-diagnosis').click();
	await expect(nurse.getByTestId('diagnoses')).toContainText('Tension headache (clinical)');

	// An ICD-10 code found by its words, picked with the keyboard.
	const search = doctor.getByTestId('icd-search');
	await search.fill('acute bronchitis');
	await expect(doctor.getByRole('option').first()).toBeVisible();
	await expect(search).toHaveAttribute('aria-activedescendant', 'icd-option-0');
	await search.press('ArrowDown');
	await expect(search).toHaveAttribute('aria-activedescendant', 'icd-option-1');
	const picked = (await doctor.getByRole('option').nth(1).innerText()).split(/\s+/)[0];
	await search.press('Enter');
	await expect(search).toHaveValue('');
	await expect(nurse.getByTestId('diagnoses')).toContainText(picked);
	await expect(nurse.getByTestId('diagnoses').locator('li')).toHaveCount(2);
	await screenshots(doctor, 'chart-doctor');

	// Offline, the nurse's edits stay on her device and arrive when the connection returns.
	await nurse.context().setOffline(true);
	await expect(nurse.getByText('You are offline. Your edits are kept on this device')).toBeVisible();
	await nurse.getByTestId('vital-spo2').fill('97');
	await nurse.getByTestId('vital-spo2').press('Tab');
	await nurse.getByTestId('chart-treatment').click();
	await nurse.keyboard.type('Paracetamol given at the desk');
	await nurse.waitForTimeout(500);
	await expect(doctor.getByTestId('vital-spo2')).toHaveValue('');
	await nurse.context().setOffline(false);
	await expect(doctor.getByTestId('vital-spo2')).toHaveValue('97', { timeout: 20_000 });
	await expect(doctor.getByTestId('chart-treatment')).toContainText('Paracetamol given at the desk');
	// The doctor removes the free-text diagnosis; the nurse sees it go.
	await doctor.getByRole('button', { name: 'Remove Tension headache (clinical)' }).click();
	await expect(nurse.getByTestId('diagnoses').locator('li')).toHaveCount(1);
	await screenshots(nurse, 'chart-nurse');
	await expectAccessible(doctor);

	// The same chart in Urdu, right to left.
	const doctorUr = await pageFor(browser, people.doctor.email, PASSWORD, 'ur');
	await doctorUr.goto(chartUrl);
	await expect(doctorUr.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(doctorUr.getByTestId('vital-systolic')).toHaveValue('150');
	await doctorUr.getByTestId('vital-spo2').fill('30');
	await doctorUr.getByTestId('vital-spo2').press('Tab');
	await expect(doctorUr.getByText('محفوظ نہیں ہوا')).toBeVisible();
	await screenshots(doctorUr, 'chart-doctor-ur');

	// Another doctor of the clinic reads the chart as it is written, and cannot change it.
	const colleague = await pageFor(browser, people.colleague.email, PASSWORD);
	await colleague.goto(chartUrl);
	await expect(colleague.getByText('You can read this chart but not change it.')).toBeVisible();
	await expect(colleague.getByTestId('chart-symptoms')).toContainText('Headache for three days');
	await expect(colleague.getByTestId('chart-symptoms')).toHaveAttribute('contenteditable', 'false');
	await expect(colleague.getByTestId('vital-systolic')).toHaveAttribute('readonly', '');
	await expect(colleague.getByTestId('icd-search')).toHaveCount(0);
	await expect(colleague.getByTestId('complete-visit')).toHaveCount(0);
	await colleague.context().close();

	// The desk never sees clinical notes: the chart is not found for them.
	const desk = await pageFor(browser, people.desk.email, PASSWORD);
	const refused = await desk.goto(chartUrl);
	expect(refused?.status()).toBe(404);

	// The nurse, offline, types on; the doctor completes meanwhile. Back online, the nurse is told the
	// visit was completed and finds her late text kept as the draft of an addendum.
	await nurse.context().setOffline(true);
	await expect(nurse.getByText('You are offline. Your edits are kept on this device')).toBeVisible();
	await nurse.getByTestId('chart-observations').click();
	await nurse.keyboard.press('End');
	await nurse.keyboard.type(' Late: throat red');
	// The chart looks now and then (and when the connection seems back) whether the visit was
	// completed; offline that look must leave the page alone, not swap it for the browser's
	// "no connection" page (SvelteKit's answer to a failed data request) with the text on it.
	await nurse.evaluate(() => window.dispatchEvent(new Event('online')));
	await nurse.waitForTimeout(500);
	await expect(nurse.getByTestId('chart-observations')).toContainText('Late: throat red');
	await doctor.locator('#chart-follow-up').fill('14');
	await doctor.locator('#chart-follow-up').press('Tab');
	await doctor.getByTestId('complete-visit').click();
	await expect(doctor.getByTestId('visit-status')).toHaveText('Completed');
	// The follow-up asked for is one click from the calendar, on its day, with the patient picked.
	await expect(doctor.getByTestId('book-follow-up')).toHaveText('Book the follow-up (in 14 days)');
	await expect(doctor.getByTestId('book-follow-up')).toHaveAttribute('href', /calendar\?date=\d{4}-\d{2}-\d{2}&view=day&patient=[0-9a-f-]{36}$/);
	const record = doctor.getByTestId('completed-chart');
	await expect(record).toContainText('Chest clear, no oedema');
	await expect(record).not.toContainText('Late: throat red');
	await expect(record).toContainText(picked);
	await nurse.context().setOffline(false);
	await expect(nurse.getByTestId('visit-status')).toHaveText('Completed', { timeout: 30_000 });
	await expect(nurse.getByTestId('late-text')).toBeVisible();
	await expect(nurse.getByTestId('addendum-text')).toHaveValue(/Late: throat red/);
	await nurse.getByTestId('addendum-reason').fill('Finding noted after completion');
	await nurse.getByRole('button', { name: 'Sign and add' }).click();
	await expect(nurse.getByTestId('addenda')).toContainText('Late: throat red');
	// The doctor, already looking at the completed chart with the nurse, sees it arrive without reloading.
	await expect(doctor.getByTestId('presence-peer').filter({ hasText: people.nurse.name })).toBeVisible();
	await expect(doctor.getByTestId('addenda')).toContainText('Late: throat red');
	await expect(doctor.getByTestId('addenda')).toContainText(`${people.nurse.name}`);
	await screenshots(doctor, 'chart-completed');

	// The completed visit's PDF prescription link and the referral link are there for the doctor.
	await expect(doctor.getByRole('link', { name: 'Prescription PDF' })).toBeVisible();
	await expect(doctor.getByRole('link', { name: 'Refer the patient' })).toHaveAttribute('href', /referrals\?patient=/);

	await Promise.all([admin, doctor, nurse, doctorUr, desk].map((p) => p.context().close()));
});

test('the admin chooses °F, and the chart takes and shows temperatures in °F', async ({ browser }) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	await admin.goto(`/${CLINIC.code}/admin/settings`);
	await admin.getByLabel('Fahrenheit (°F)').check();
	await admin.getByRole('button', { name: 'Save' }).click();
	await expect(admin.getByRole('status').filter({ hasText: /saved/i })).toBeVisible();
	await expect(admin.getByLabel('Fahrenheit (°F)')).toBeChecked();

	const doctor = { name: `Dr Omar ${rand()}`, email: `omar-${rand()}@clinic.test`, role: 'doctor' };
	expect((await admin.request.post(`${api()}/members`, { data: { ...doctor, password: PASSWORD } })).status()).toBe(201);
	const doctorId = await userIdOf(admin, doctor.email);
	const patient = await admin.request.post(`${api()}/patients`, { data: { name: `Zara Khan ${rand()}`, dateOfBirth: '2018-01-10', allowDuplicate: true } });
	await admin.request.post(`${api()}/queue/check-in`, { data: { patientId: (await patient.json()).id, doctorId, idempotencyKey: key() } });
	const page = await pageFor(browser, doctor.email, PASSWORD);
	await page.goto(`/${CLINIC.code}/queue`);
	await page.getByRole('button', { name: 'Call next' }).click();
	await page.getByTestId('open-chart').click();
	await expect(page.getByRole('status', { name: /Connection: Live/ })).toBeVisible();
	const temperature = page.getByTestId('vital-temperature');
	await temperature.fill('200');
	await temperature.press('Tab');
	await expect(page.getByText('Temperature must be between 77 and 113 °F. Not saved.')).toBeVisible();
	await temperature.fill('101.3');
	await temperature.press('Tab');
	await expect(page.getByTestId('vital-temperature-flag')).toHaveText('High for age');
	await page.reload();
	await expect(page.getByTestId('vital-temperature')).toHaveValue('101.3');

	await admin.goto(`/${CLINIC.code}/admin/settings`);
	await admin.getByLabel('Celsius (°C)').check();
	await admin.getByRole('button', { name: 'Save' }).click();
	await expect(admin.getByLabel('Celsius (°C)')).toBeChecked();
	await Promise.all([admin, page].map((p) => p.context().close()));
});
