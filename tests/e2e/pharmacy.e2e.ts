import type { Page } from '@playwright/test';
import { ADMIN, CLINIC, PASSWORD, expect, expectAccessible, pageFor, rand, test } from './fixtures';
import { addPatient, addStaff } from './calendarHelpers';
import { api, call, inDays, phoneFor, screenshot } from './pharmacyHelpers';

/**
 * The pharmacy's worklist, tried as a pharmacy uses it: a doctor completes a visit with a
 * prescription (through the visits' API, as the chart screen does), it appears on two
 * pharmacists' screens at once; one starts preparing it (the other sees who), dispenses (one line
 * split across two batches, another short and left waiting for stock), stock arrives, the rest is
 * dispensed, the prescription is ready and is handed over. The desk cannot open the screen.
 */

/** The screen's live document has synced (its script runs and the projection arrived). */
const waitLive = (page: Page) => expect(page.locator('[data-state="live"]').first()).toBeVisible();

/** What the last action did, as the screen says it. */
const notice = (page: Page) => page.locator('.alert[role="status"]');

test('two pharmacists see a new prescription live; one prepares and dispenses it across batches, waits for stock, and hands it over', async ({ browser }) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const doctor = await addStaff(admin, 'doctor', `Dr Pharma ${rand()}`);
	const first = await addStaff(admin, 'pharmacist', `Pharmacist Amna ${rand()}`);
	const second = await addStaff(admin, 'pharmacist', `Pharmacist Bilal ${rand()}`);
	const desk = await addStaff(admin, 'reception', `Desk Pharma ${rand()}`);
	const patient = await addPatient(admin, `Nadia Pharmacy ${rand()}`);

	// Two medicines in stock: the first in two batches (the earlier expiry is used first), the second short.
	const tag = rand();
	const paracetamol = await call(admin, 'post', '/medicines', { genericName: `parapharm ${tag}`, form: 'tablet', strength: '500 mg', route: 'oral' }, 201);
	const cetirizine = await call(admin, 'post', '/medicines', { genericName: `cetipharm ${tag}`, form: 'tablet', strength: '10 mg', route: 'oral' }, 201);
	const early = await call(
		admin,
		'post',
		`/medicines/${paracetamol.id}/batches`,
		{ batchNumber: 'P-EARLY', expiry: inDays(90), quantity: 6, costPrice: 200, salePrice: 300 },
		201
	);
	const late = await call(
		admin,
		'post',
		`/medicines/${paracetamol.id}/batches`,
		{ batchNumber: 'P-LATE', expiry: inDays(400), quantity: 20, costPrice: 200, salePrice: 300 },
		201
	);
	await call(
		admin,
		'post',
		`/medicines/${cetirizine.id}/batches`,
		{ batchNumber: 'C-1', expiry: inDays(200), quantity: 2, costPrice: 100, salePrice: 150 },
		201
	);

	const [one, two] = [await pageFor(browser, first.email, PASSWORD), await pageFor(browser, second.email, PASSWORD)];
	for (const page of [one, two]) {
		await page.getByRole('link', { name: 'Pharmacy' }).click();
		await expect(page.getByRole('heading', { name: 'Pharmacy', level: 1 })).toBeVisible();
		await waitLive(page);
	}

	// The doctor sees the patient and completes the visit with the prescription.
	const doc = await pageFor(browser, doctor.email, PASSWORD);
	const opened = await call(doc, 'post', '/visits', { patientId: patient.id, idempotencyKey: `open-${rand()}${rand()}` }, 201);
	await call(
		doc,
		'patch',
		`/visits/${opened.id}/chart`,
		{ complaint: 'Fever and sneezing', diagnoses: [{ code: 'J00', title: 'Acute nasopharyngitis [common cold]' }] },
		200
	);
	await call(
		doc,
		'put',
		`/visits/${opened.id}/prescription`,
		{
			lines: [
				{ medicineId: paracetamol.id, dose: '1 tablet', frequency: '1+0+1', durationDays: 5 },
				{ medicineId: cetirizine.id, dose: '1 tablet', frequency: 'OD', durationDays: 5 }
			],
			idempotencyKey: `rx-${rand()}${rand()}`
		},
		200
	);
	await call(doc, 'post', `/visits/${opened.id}/complete`, { idempotencyKey: `done-${rand()}${rand()}` }, 200);

	// Both pharmacists' screens show it without reloading.
	const cardOn = (page: Page) => page.getByTestId('pharmacy-prescription').filter({ hasText: patient.name });
	for (const page of [one, two]) {
		await expect(cardOn(page)).toBeVisible();
		await expect(cardOn(page).getByTestId('pharmacy-status')).toHaveText('Waiting');
	}

	// One starts preparing: the other sees who.
	await cardOn(one).getByRole('button', { name: 'Start preparing' }).click();
	await expect(cardOn(one).getByTestId('prepared-by')).toHaveText('You are preparing this');
	await expect(cardOn(two).getByTestId('prepared-by')).toHaveText(`${first.name} is preparing this`);
	await expect(cardOn(two).getByRole('button', { name: 'Take over' })).toBeVisible();

	// Dispense: paracetamol 10 from two batches, cetirizine 2 of 5 and waiting for stock.
	await cardOn(one)
		.getByRole('button', { name: `Dispense for ${patient.name}` })
		.click();
	await expect(notice(one)).toHaveText('Dispensed what stock allows; the rest waits for stock.');
	for (const page of [one, two]) {
		await expect(cardOn(page).getByTestId('pharmacy-status')).toHaveText('Waiting for stock');
		await expect(cardOn(page).getByTestId('pharmacy-line').first()).toContainText('10 of 10 given');
		await expect(cardOn(page).getByTestId('pharmacy-line').nth(1)).toContainText('2 of 5 given');
	}
	const stock = (await (await admin.request.get(`${api()}/medicines/${paracetamol.id}/stock`)).json()) as { batches: { id: string; onHand: number }[] };
	expect(stock.batches).toEqual([expect.objectContaining({ id: late.id, onHand: 16 })]);
	expect(stock.batches.some((b) => b.id === early.id)).toBe(false);
	await expectAccessible(one);
	await screenshot(one, 'pharmacy-waiting-for-stock');

	// The delivery comes; the rest is dispensed and the prescription is ready, then handed over.
	await call(
		admin,
		'post',
		`/medicines/${cetirizine.id}/batches`,
		{ batchNumber: 'C-2', expiry: inDays(300), quantity: 30, costPrice: 100, salePrice: 150 },
		201
	);
	await cardOn(one)
		.getByRole('button', { name: `Dispense for ${patient.name}` })
		.click();
	await expect(notice(one)).toHaveText('Dispensed: the prescription is ready and the patient has been told.');
	await expect(cardOn(two).getByTestId('pharmacy-status')).toHaveText('Ready');

	// The second pharmacist, on a phone in Urdu, hands it over.
	const phone = await phoneFor(browser, second.email);
	await phone.goto(`/${CLINIC.code}/pharmacy`);
	await waitLive(phone);
	const phoneCard = cardOn(phone);
	await expect(phoneCard.getByTestId('pharmacy-status')).toHaveText('تیار');
	await expect(phone.locator('html')).toHaveAttribute('dir', 'rtl');
	await screenshot(phone, 'pharmacy-ready-ur-phone');
	await phoneCard.getByRole('button', { name: `${patient.name} کے حوالے کر دیں` }).click();
	await expect(notice(phone)).toHaveText('حوالے کیا جانا درج ہو گیا۔');
	await expect(cardOn(one).getByTestId('pharmacy-status')).toHaveText('Collected');
	const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(overflow).toBeLessThanOrEqual(1);

	// The desk does not open the pharmacy's worklist.
	const front = await pageFor(browser, desk.email, PASSWORD);
	await expect(front.getByRole('link', { name: 'Pharmacy' })).toHaveCount(0);
	const refused = await front.goto(`/${CLINIC.code}/pharmacy`);
	expect(refused?.status()).toBe(403);
});
