import { ADMIN, CLINIC, PASSWORD, expect, expectAccessible, pageFor, rand, test } from './fixtures';
import { addStaff } from './calendarHelpers';
import { api, inDays, medicineCard, phoneFor, screenshot } from './pharmacyHelpers';

/**
 * Suppliers and purchase orders, as a pharmacist uses them: adds a supplier, writes an order by
 * hand, prints and exports it, marks it ordered, receives part of the delivery and then the rest;
 * the stock shows the new batches. A reorder level above what is on hand then makes the medicine
 * low, and an order drafted from low stock asks for its reorder quantity ("nothing to order" is
 * proven in purchasing.test.ts).
 * The desk cannot open the screens. Looked at in English on a desktop and in Urdu on a phone.
 */

test('a pharmacist adds a supplier, writes, prints and sends an order, and receives it in two deliveries into stock', async ({ browser }) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const pharmacist = await addStaff(admin, 'pharmacist', `Pharmacist Orders ${rand()}`);
	const desk = await addStaff(admin, 'reception', `Desk Orders ${rand()}`);
	const tag = rand();
	const created = await admin.request.post(`${api()}/medicines`, {
		data: { genericName: `ordermycin ${tag}`, form: 'tablet', strength: '500 mg', route: 'oral' }
	});
	expect(created.status()).toBe(201);
	const med = (await created.json()) as { id: string };

	const page = await pageFor(browser, pharmacist.email, PASSWORD);
	await page.goto(`/${CLINIC.code}/pharmacy/orders`);
	await expect(page.getByRole('heading', { name: 'Purchase orders', level: 1 })).toBeVisible();
	await page.getByRole('link', { name: 'Suppliers' }).first().click();

	// A supplier, with a bad phone first.
	const supplierName = `Medi Supplies ${tag}`;
	await page.locator('#field-name').fill(supplierName);
	await page.locator('#field-phone').fill('12');
	await page.getByRole('button', { name: 'Add supplier' }).click();
	await expect(page.locator('#field-phone')).toHaveAttribute('aria-invalid', 'true');
	await page.locator('#field-phone').fill('0300 1234567');
	await page.getByRole('button', { name: 'Add supplier' }).click();
	await expect(page.getByText('Supplier added.')).toBeVisible();
	await expect(page.getByTestId('supplier').locator('input[name="name"]').first()).toHaveValue(supplierName);
	await expectAccessible(page);
	await screenshot(page, 'orders-suppliers-en');

	await page.getByRole('link', { name: 'All purchase orders' }).click();

	// An order by hand: 30 tablets at 4.50.
	await page.getByLabel('Medicine 1').selectOption({ label: `ordermycin ${tag} 500 mg (tablet)` });
	await page.getByLabel('Quantity 1').fill('30');
	await page.getByLabel('Unit cost 1').fill('4.50');
	await page.getByRole('button', { name: 'Create draft' }).click();
	await expect(page).toHaveURL(/\/pharmacy\/orders\/[0-9a-f-]{36}$/);
	await expect(page.getByTestId('order-status')).toHaveText('Draft');
	const orderId = page.url().split('/').pop()!;

	// Printed and exported.
	const pdf = await page.request.get(`${api()}/purchase-orders/${orderId}/pdf`);
	expect(pdf.status()).toBe(200);
	expect(pdf.headers()['content-type']).toBe('application/pdf');
	expect((await pdf.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
	const csv = await page.request.get(`${api()}/purchase-orders/${orderId}/csv`);
	expect(await csv.text()).toContain(`ordermycin ${tag} 500 mg (tablet),tablet,30,0,4.50,135.00`);
	await expect(page.getByTestId('print')).toHaveAttribute('href', `${api()}/purchase-orders/${orderId}/pdf`);

	await page.getByRole('button', { name: 'Mark as ordered' }).click();
	await expect(page.getByTestId('order-status')).toHaveText('Ordered');

	// The first delivery: 10 of 30.
	await page.locator('#batch0').fill('PO-A');
	await page.locator('#expiry0').fill(inDays(300));
	await page.locator('#quantity0').fill('10');
	await page.locator('#sale0').fill('7');
	await page.getByRole('button', { name: 'Receive into stock' }).click();
	await expect(page.getByTestId('order-status')).toHaveText('Partly received');
	await expect(page.locator('#cost0')).toHaveValue('4.50');
	await expect(page.locator('#quantity0')).toHaveValue('20');
	await expect(page.getByTestId('order-line')).toContainText('10');
	await expectAccessible(page);
	await screenshot(page, 'orders-detail-en');

	// More than is still to come is refused with a clear sentence.
	await page.locator('#batch0').fill('PO-X');
	await page.locator('#expiry0').fill(inDays(300));
	await page.locator('#quantity0').fill('21');
	await page.locator('#sale0').fill('7');
	await page.getByRole('button', { name: 'Receive into stock' }).click();
	await expect(page.getByRole('alert')).toContainText('More is being received than is still to come');

	// The rest.
	await page.locator('#batch0').fill('PO-B');
	await page.locator('#expiry0').fill(inDays(400));
	await page.locator('#quantity0').fill('20');
	await page.locator('#sale0').fill('7');
	await page.getByRole('button', { name: 'Receive into stock' }).click();
	await expect(page.getByTestId('order-status')).toHaveText('Received');
	await expect(page.getByTestId('receive-line')).toHaveCount(0);

	const stock = await (await page.request.get(`${api()}/medicines/${med.id}/stock`)).json();
	expect(stock.batches.map((b: { batchNumber: string; onHand: number }) => [b.batchNumber, b.onHand])).toEqual([
		['PO-A', 10],
		['PO-B', 20]
	]);
	await page.goto(`/${CLINIC.code}/pharmacy/orders`);
	await expect(page.getByTestId('purchase-order').filter({ hasText: supplierName })).toContainText('Received');
	await screenshot(page, 'orders-list-en');

	// A reorder level of 40 with 30 on hand: the medicine is low, and a draft from low stock orders its 100.
	const medName = `ordermycin ${tag}`;
	await page.goto(`/${CLINIC.code}/pharmacy/stock`);
	const card = medicineCard(page, medName);
	await card.getByLabel('Reorder level').fill('40');
	await card.getByLabel('Reorder quantity').fill('100');
	await card.getByRole('button', { name: 'Save levels' }).click();
	await expect(card.getByTestId('low-badge')).toBeVisible();
	await page.goto(`/${CLINIC.code}/pharmacy/orders`);
	await page.getByLabel('Supplier').first().selectOption({ label: supplierName });
	await page.getByRole('button', { name: 'Draft an order from low stock' }).click();
	await expect(page).toHaveURL(/\/pharmacy\/orders\/[0-9a-f-]{36}$/);
	await expect(page.getByTestId('order-status')).toHaveText('Draft');
	await expect(page.getByTestId('order-line').filter({ hasText: medName })).toContainText('100');
	// Its cost is the latest delivery's.
	await expect(page.getByTestId('order-line').filter({ hasText: medName })).toContainText('4.50');

	// In Urdu on a phone.
	const phone = await phoneFor(browser, pharmacist.email);
	await phone.goto(`/${CLINIC.code}/pharmacy/orders/${orderId}`);
	await expect(phone.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(phone.getByTestId('order-status')).toHaveText('مکمل وصول');
	await screenshot(phone, 'orders-detail-ur-phone');
	await phone.goto(`/${CLINIC.code}/pharmacy/orders`);
	await screenshot(phone, 'orders-list-ur-phone');
	expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);

	// The desk cannot open the screens or the API.
	const deskPage = await pageFor(browser, desk.email, PASSWORD);
	for (const path of ['', '/suppliers', `/${orderId}`]) {
		const response = await deskPage.goto(`/${CLINIC.code}/pharmacy/orders${path}`);
		expect(response?.status()).toBe(403);
	}
	expect((await deskPage.request.get(`${api()}/purchase-orders/${orderId}/pdf`)).status()).toBe(403);
});
