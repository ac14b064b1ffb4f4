import { readFileSync } from 'node:fs';
import { ADMIN, CLINIC, PASSWORD, expect, pageFor, rand, test } from './fixtures';
import { addStaff } from './calendarHelpers';
import { api, call, inDays, medicineCard, phoneFor, screenshot } from './pharmacyHelpers';

/**
 * The Stock tab as a pharmacy uses it: a batch arrives and is received through the screen, a
 * reorder level turns the medicine "low", a damaged pack is written off, a batch close to expiry
 * is flagged, the stock is downloaded as CSV, the movements read in Urdu on a phone, and a second
 * pharmacist's screen follows a receipt live. The desk cannot open the screen.
 */

test('receives a batch through the Stock tab, flags low stock and expiry, adjusts, exports CSV, and reads in Urdu on a phone', async ({ browser }) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const pharmacist = await addStaff(admin, 'pharmacist', `Pharmacist Sana ${rand()}`);
	const desk = await addStaff(admin, 'reception', `Desk Stock ${rand()}`);
	const tag = rand();
	const name = `stockamol ${tag}`;
	const med = await call(admin, 'post', '/medicines', { genericName: name, form: 'tablet', strength: '500 mg', route: 'oral' }, 201);

	const screen = await pageFor(browser, pharmacist.email, PASSWORD);
	await screen.goto(`/${CLINIC.code}/pharmacy/stock`);
	await expect(screen.getByRole('heading', { name: 'Stock', level: 1 })).toBeVisible();
	await expect(screen.locator('[data-state="live"]').first()).toBeVisible();

	// A second screen (the admin's) follows the receipt live.
	await admin.goto(`/${CLINIC.code}/pharmacy/stock`);
	await expect(admin.locator('[data-state="live"]').first()).toBeVisible();

	// Receive a batch through the form.
	const form = screen.getByTestId('receive-form');
	await form.getByLabel('Medicine').selectOption({ value: String(med.id) });
	await form.getByLabel('Batch number').fill(`RX-${tag}`);
	await form.getByLabel('Expiry').fill(inDays(400));
	await form.getByLabel('Quantity (units)').fill('30');
	await form.getByLabel('Cost').fill('12.50');
	await form.getByLabel('Sale price').fill('20');
	await form.getByRole('button', { name: 'Receive into stock' }).click();
	await expect(screen.locator('.alert[role="status"]')).toHaveText('Batch received into stock.');
	const card = medicineCard(screen, name);
	await expect(card.getByTestId('stock-batch')).toHaveCount(1);
	await expect(card.getByTestId('on-hand')).toHaveText('30');
	await expect(card.getByTestId('stock-batch')).toContainText('12.50');
	await expect(medicineCard(admin, name).getByTestId('on-hand')).toHaveText('30');

	// Bad input is refused with a message and changes nothing.
	await form.getByLabel('Medicine').selectOption({ value: String(med.id) });
	await form.getByLabel('Batch number').fill(`OLD-${tag}`);
	await form.getByLabel('Expiry').fill(inDays(-3));
	await form.getByLabel('Quantity (units)').fill('5');
	await form.getByLabel('Cost').fill('1');
	await form.getByLabel('Sale price').fill('2');
	await form.getByRole('button', { name: 'Receive into stock' }).click();
	await expect(screen.locator('.alert-error')).toBeVisible();
	await expect(card.getByTestId('stock-batch')).toHaveCount(1);

	// A reorder level above what is on hand: the medicine is low.
	await card.getByLabel('Reorder level').fill('40');
	await card.getByLabel('Reorder quantity').fill('100');
	await card.getByRole('button', { name: 'Save levels' }).click();
	await expect(card.getByTestId('low-badge')).toBeVisible();

	// Two damaged tablets written off.
	await card.getByRole('button', { name: `Adjust batch RX-${tag}` }).click();
	const adjust = screen.getByTestId('adjust-form');
	await adjust.getByLabel('Quantity (units)').fill('2');
	await adjust.getByLabel('Reason').selectOption('damaged');
	await adjust.getByLabel('Note').fill('Strip torn');
	await adjust.getByRole('button', { name: 'Save adjustment' }).click();
	await expect(screen.locator('.alert[role="status"]')).toHaveText('Adjustment saved.');
	await expect(card.getByTestId('on-hand')).toHaveText('28');

	// A batch close to expiry, received through the API: the screen flags it within 30 days.
	await call(
		admin,
		'post',
		`/medicines/${med.id}/batches`,
		{ batchNumber: `SOON-${tag}`, expiry: inDays(20), quantity: 5, costPrice: 100, salePrice: 200 },
		201
	);
	const soon = card.locator(`[data-batch="SOON-${tag}"]`);
	await expect(soon.getByTestId('expiry-badge')).toHaveText('Within 30 days');
	await screen.getByTestId('stock-filter').selectOption('low');
	await expect(card).toBeVisible();
	await screen.getByTestId('stock-search').fill('no such medicine at all');
	await expect(card).toHaveCount(0);
	await screen.getByTestId('stock-search').fill(tag);
	await screen.getByTestId('stock-filter').selectOption('all');
	await screenshot(screen, 'stock-en-desktop');

	// The stock as CSV.
	const [download] = await Promise.all([screen.waitForEvent('download'), screen.getByTestId('csv-stock').click()]);
	expect(download.suggestedFilename()).toMatch(/^stock-.*\.csv$/);
	const csv = readFileSync(await download.path(), 'utf8');
	expect(csv.charCodeAt(0)).toBe(0xfeff);
	expect(csv).toContain(`${name},tablet,500 mg,RX-${tag},${inDays(400)},28,12.50,20.00,350.00`);

	// Movements of the medicine.
	await card.getByRole('link', { name: 'Movements' }).click();
	const panel = screen.getByTestId('movements-panel');
	await expect(panel.getByTestId('movement')).toHaveCount(3);
	await expect(panel.locator('[data-kind="written_off"]')).toContainText('Damaged: Strip torn');

	// In Urdu on a phone.
	const phone = await phoneFor(browser, pharmacist.email);
	await phone.goto(`/${CLINIC.code}/pharmacy/stock?movements=${med.id}`);
	await expect(phone.getByRole('heading', { name: 'اسٹاک', level: 1 })).toBeVisible();
	await expect(phone.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(phone.getByTestId('movements-panel').locator('[data-kind="written_off"]')).toContainText('ضائع شدہ');
	await expect(medicineCard(phone, name).getByTestId('low-badge')).toHaveText('کم اسٹاک');
	await screenshot(phone, 'stock-ur-phone');
	const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(overflow).toBeLessThanOrEqual(1);

	// The desk does not open the Stock tab.
	const front = await pageFor(browser, desk.email, PASSWORD);
	const refused = await front.goto(`/${CLINIC.code}/pharmacy/stock`);
	expect(refused?.status()).toBe(403);
	const csvRefused = await front.request.get(`${api()}/stock.csv`);
	expect(csvRefused.status()).toBe(403);
});
