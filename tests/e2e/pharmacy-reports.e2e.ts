import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { ADMIN, CLINIC, PASSWORD, expect, pageFor, rand, test } from './fixtures';
import { addPatient, addStaff } from './calendarHelpers';
import { api, call, inDays, phoneFor, screenshot } from './pharmacyHelpers';

/**
 * The Reports tab as a pharmacist uses it: a prescription is dispensed and a little of it comes
 * back, then the day's dispensing log, the medicine's movements and the stock's value are read
 * on the screen and downloaded as CSV; a mistyped day is refused in words; the reports read in
 * Urdu on a phone with the tables scrolling inside their box. The desk and doctors are refused.
 */

/** A file the page downloads by clicking `testId`, as text. */
async function download(page: Page, testId: string) {
	const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
	return { name: file.suggestedFilename(), text: readFileSync(await file.path(), 'utf8') };
}

/** How far the page itself scrolls sideways (a table may scroll inside its box, the page may not). */
const pageOverflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

test('a pharmacist reads the dispensing log, a medicine’s movements and the stock value, downloads each as CSV, and reads them in Urdu on a phone', async ({
	browser
}) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const doctor = await addStaff(admin, 'doctor', `Dr Reports ${rand()}`);
	const pharmacist = await addStaff(admin, 'pharmacist', `Pharmacist Rukhsana ${rand()}`);
	const desk = await addStaff(admin, 'reception', `Desk Reports ${rand()}`);
	const patient = await addPatient(admin, `Zainab Reports ${rand()}`);
	const tag = rand();
	const name = `reportamol ${tag}`;
	const med = await call(admin, 'post', '/medicines', { genericName: name, form: 'tablet', strength: '500 mg', route: 'oral' }, 201);
	await call(
		admin,
		'post',
		`/medicines/${med.id}/batches`,
		{ batchNumber: `RP-${tag}`, expiry: inDays(300), quantity: 40, costPrice: 1250, salePrice: 2000 },
		201
	);

	// A visit completed with a prescription of 10 tablets; the pharmacy gives them and takes 2 back.
	const doc = await pageFor(browser, doctor.email, PASSWORD);
	const visit = await call(doc, 'post', '/visits', { patientId: patient.id, idempotencyKey: `open-${rand()}${rand()}` }, 201);
	await call(doc, 'patch', `/visits/${visit.id}/chart`, { complaint: 'Headache', diagnoses: [{ code: 'R51', title: 'Headache' }] }, 200);
	await call(
		doc,
		'put',
		`/visits/${visit.id}/prescription`,
		{ lines: [{ medicineId: med.id, dose: '1 tablet', frequency: '1+0+1', durationDays: 5 }], idempotencyKey: `rx-${rand()}${rand()}` },
		200
	);
	await call(doc, 'post', `/visits/${visit.id}/complete`, { idempotencyKey: `done-${rand()}${rand()}` }, 200);
	const screen = await pageFor(browser, pharmacist.email, PASSWORD);
	const queue = (await call(screen, 'get', '/pharmacy/queue', null, 200)) as { prescriptions: { id: string; visitId: string; lines: { id: string }[] }[] };
	const rx = queue.prescriptions.find((p) => p.visitId === visit.id);
	if (!rx) throw new Error('the prescription is not in the pharmacy queue');
	const lineId = rx.lines[0].id;
	await call(screen, 'post', `/prescriptions/${rx.id}/dispense`, { lines: [{ lineId, quantity: 10 }], idempotencyKey: `d-${rand()}${rand()}` }, 200);
	await call(
		screen,
		'post',
		`/prescriptions/${rx.id}/return`,
		{ lines: [{ lineId, quantity: 2 }], reason: 'Too many', idempotencyKey: `r-${rand()}${rand()}` },
		200
	);

	// The Reports tab opens on today's dispensing log.
	await screen.goto(`/${CLINIC.code}/pharmacy`);
	await screen.getByRole('navigation', { name: 'Pharmacy screens' }).getByRole('link', { name: 'Reports' }).click();
	await expect(screen.getByRole('heading', { name: 'Reports', level: 1 })).toBeVisible();
	await expect(screen.getByRole('heading', { name: 'Daily dispensing log' })).toBeVisible();
	const ours = screen.getByTestId('dispensing-entry').filter({ hasText: patient.name });
	await expect(ours).toHaveCount(2);
	await expect(ours.and(screen.locator('[data-kind="dispensed"]'))).toContainText(`RP-${tag}`);
	await expect(ours.and(screen.locator('[data-kind="dispensed"]'))).toContainText('10');
	await expect(ours.and(screen.locator('[data-kind="patient_return"]'))).toContainText('-2');
	await expect(ours.first()).toContainText(pharmacist.name);
	await expect(screen.getByTestId('dispensing-total').filter({ hasText: name })).toContainText(/10\s*2\s*8/);
	await screenshot(screen, 'reports-dispensing-en-desktop');
	const log = await download(screen, 'csv-dispensing');
	expect(log.name).toMatch(new RegExp(`^dispensing-${CLINIC.code}-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
	expect(log.text.charCodeAt(0)).toBe(0xfeff);
	const logRows = log.text.split('\r\n').filter((row) => row.includes(patient.name));
	expect(logRows.map((row) => row.split(',').slice(5, 11))).toEqual([
		[name, 'tablet', '500 mg', `RP-${tag}`, 'dispensed', '10'],
		[name, 'tablet', '500 mg', `RP-${tag}`, 'patient_return', '-2']
	]);

	// The next day is empty (nothing is dispensed tomorrow yet) and back again; an empty day says so; a mistyped day is refused in words.
	await screen.getByTestId('next-day').click();
	await expect(screen.getByTestId('dispensing-empty')).toBeVisible();
	await screen.getByTestId('previous-day').click();
	await expect(screen.getByTestId('dispensing-entry').filter({ hasText: patient.name })).toHaveCount(2);
	await screen.goto(`/${CLINIC.code}/pharmacy/reports?report=dispensing&date=2000-01-01`);
	await expect(screen.getByTestId('dispensing-empty')).toBeVisible();
	await screen.goto(`/${CLINIC.code}/pharmacy/reports?report=dispensing&date=2026-02-30`);
	await expect(screen.locator('.alert-error')).toHaveText('Enter a real date between 1900 and 2200.');

	// The medicine's movements: found by searching, from a month back to today.
	await screen.getByRole('link', { name: 'Movements of a medicine' }).click();
	await expect(screen.getByText('Choose a medicine to see its movements.')).toBeVisible();
	await screen.getByTestId('report-medicine-search').fill(tag);
	await screen.getByTestId('report-medicine').selectOption({ label: `${name} 500 mg tablet` });
	await screen.getByRole('button', { name: 'Show' }).click();
	await expect(screen.getByTestId('report-movement')).toHaveCount(3);
	await expect(screen.getByTestId('opening')).toHaveText('0');
	await expect(screen.getByTestId('closing')).toHaveText('32');
	await expect(screen.getByTestId('report-movement').last()).toContainText('32');
	await screen.getByTestId('report-kind').selectOption('patient_return');
	await screen.getByRole('button', { name: 'Show' }).click();
	await expect(screen.getByTestId('report-movement')).toHaveCount(1);
	await expect(screen.getByTestId('report-movement')).toContainText('Too many');
	await expect(screen.getByTestId('closing')).toHaveText('32');
	await screen.getByTestId('report-kind').selectOption('');
	await screen.getByRole('button', { name: 'Show' }).click();
	await expect(screen.getByTestId('report-movement')).toHaveCount(3);
	await screenshot(screen, 'reports-movements-en-desktop');
	const movements = await download(screen, 'csv-movements');
	const movementRows = movements.text
		.replace(/^\uFEFF/, '')
		.trimEnd()
		.split('\r\n');
	expect(movementRows.map((row) => row.split(',').slice(2, 5))).toEqual([
		['kind', 'quantity', 'balance'],
		['opening', '', '0'],
		['received', '40', '40'],
		['dispensed', '-10', '30'],
		['patient_return', '2', '32'],
		['closing', '', '32']
	]);

	// The stock's value: 32 tablets at 12.50 and at 20.00.
	await screen.getByRole('link', { name: 'Stock value' }).click();
	const row = screen.getByTestId('value-row').filter({ hasText: name });
	await expect(row).toContainText('32');
	await expect(row).toContainText('400.00');
	await expect(row).toContainText('640.00');
	await expect(screen.getByTestId('value-total')).toBeVisible();
	await screenshot(screen, 'reports-value-en-desktop');
	const value = await download(screen, 'csv-value');
	expect(value.text).toContain(`${name},tablet,500 mg,32,400.00,640.00\r\n`);
	expect(value.text).toMatch(/\r\nTOTAL,,,\d+,[\d.]+,[\d.]+\r\n$/);

	// In Urdu on a phone: each report reads right to left, and only the tables scroll sideways.
	const phone = await phoneFor(browser, pharmacist.email);
	await phone.goto(`/${CLINIC.code}/pharmacy/reports`);
	await expect(phone.getByRole('heading', { name: 'رپورٹیں', level: 1 })).toBeVisible();
	await expect(phone.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(phone.getByTestId('dispensing-entry').filter({ hasText: patient.name }).and(phone.locator('[data-kind="patient_return"]'))).toContainText(
		'مریض نے واپس کی'
	);
	expect(await pageOverflow(phone)).toBeLessThanOrEqual(1);
	await screenshot(phone, 'reports-dispensing-ur-phone');
	await phone.goto(`/${CLINIC.code}/pharmacy/reports?report=movements&medicineId=${med.id}`);
	await expect(phone.getByTestId('report-movement')).toHaveCount(3);
	expect(await pageOverflow(phone)).toBeLessThanOrEqual(1);
	await screenshot(phone, 'reports-movements-ur-phone');
	await phone.goto(`/${CLINIC.code}/pharmacy/reports?report=value`);
	await expect(phone.getByTestId('value-row').filter({ hasText: name })).toBeVisible();
	expect(await pageOverflow(phone)).toBeLessThanOrEqual(1);
	await screenshot(phone, 'reports-value-ur-phone');
	await phone.goto(`/${CLINIC.code}/pharmacy/reports?report=movements&medicineId=${med.id}&from=2026-03-11&to=2026-03-10`);
	await expect(phone.locator('.alert-error')).toContainText('آخری دن پہلے دن سے پہلے نہیں ہو سکتا۔');

	// The desk and doctors are refused the screen and the exports.
	for (const person of [desk, doctor]) {
		const page = await pageFor(browser, person.email, PASSWORD);
		expect((await page.goto(`/${CLINIC.code}/pharmacy/reports`))?.status()).toBe(403);
		expect((await page.request.get(`${api()}/pharmacy/reports/dispensing.csv`)).status()).toBe(403);
		expect((await page.request.get(`${api()}/stock/value.csv`)).status()).toBe(403);
	}
});
