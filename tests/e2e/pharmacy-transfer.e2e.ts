import type { Page } from '@playwright/test';
import { ADMIN, CLINIC, PASSWORD, expect, expectAccessible, pageFor, rand, test } from './fixtures';
import { addStaff } from './calendarHelpers';
import { call, inDays, phoneFor, screenshot } from './pharmacyHelpers';

/**
 * Stock sent to a branch: the clinic's admin opens a branch, a pharmacist sends part of a batch to
 * it from the Stock tab (a refusal first, beside the quantity), the movement names the branch, and
 * the branch's Stock tab shows the units with the clinic they came from. Then the same in Urdu on
 * a phone, which the branch's open screen follows live.
 */

const medicineCard = (page: Page, name: string) => page.getByTestId('stock-medicine').filter({ has: page.getByText(name, { exact: true }) });

test('a pharmacist transfers part of a batch to a branch, and the branch’s Stock tab shows it, in English and in Urdu on a phone', async ({ browser }) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const tag = rand().toUpperCase();
	const branch = { name: `Shifa Branch ${tag}`, code: `B${tag}` };
	const created = await admin.request.post('/api/v1/clinics', {
		data: { ...branch, country: 'PK', state: 'Punjab', city: 'Lahore', timezone: 'Asia/Karachi', currency: 'PKR' }
	});
	expect(created.status(), await created.text()).toBe(201);
	const pharmacist = await addStaff(admin, 'pharmacist', `Pharmacist Nadia ${rand()}`);
	const name = `transferin ${tag.toLowerCase()}`;
	const med = await call(admin, 'post', '/medicines', { genericName: name, form: 'tablet', strength: '250 mg', route: 'oral' }, 201);
	await call(
		admin,
		'post',
		`/medicines/${med.id}/batches`,
		{ batchNumber: `TR-${tag}`, expiry: inDays(300), quantity: 40, costPrice: 1000, salePrice: 1500 },
		201
	);

	const screen = await pageFor(browser, pharmacist.email, PASSWORD);
	await screen.goto(`/${CLINIC.code}/pharmacy/stock`);
	await expect(screen.locator('[data-state="live"]').first()).toBeVisible();
	const card = medicineCard(screen, name);
	await card.getByRole('button', { name: `Transfer batch TR-${tag} to a branch` }).click();
	const dialog = screen.getByTestId('transfer-dialog');
	await expect(dialog.getByRole('heading', { name: `Transfer batch TR-${tag} to a branch` })).toBeVisible();
	await expect(dialog.getByLabel('Branch')).toHaveValue(branch.code);

	// More than the batch holds: refused beside the quantity, nothing moves, the dialog stays open.
	await dialog.getByLabel('Quantity (units)').fill('41');
	await dialog.getByRole('button', { name: 'Transfer', exact: true }).click();
	await expect(dialog.locator('.field-error')).toHaveText('There is not that much of it in stock.');
	await expect(dialog.getByLabel('Quantity (units)')).toHaveAttribute('aria-invalid', 'true');
	await screenshot(screen, 'transfer-refused-en');
	await expectAccessible(screen);

	await dialog.getByLabel('Quantity (units)').fill('15');
	await dialog.getByLabel('Reason (optional)').fill('Their shelf is empty');
	await dialog.getByRole('button', { name: 'Transfer', exact: true }).click();
	await expect(screen.locator('.alert[role="status"]')).toHaveText(`Transfer made: 15 units sent to ${branch.name}.`);
	await expect(dialog).not.toBeVisible();
	await expect(card.getByTestId('on-hand')).toHaveText('25');
	await card.getByRole('link', { name: 'Movements' }).click();
	await expect(screen.getByTestId('movements-panel').locator('[data-kind="transfer_out"]')).toContainText(`Sent to ${branch.name}`);
	await screenshot(screen, 'transfer-done-en');

	// The branch (the admin administers both) has the units, from this clinic.
	await admin.goto(`/${branch.code}/pharmacy/stock`);
	const there = medicineCard(admin, name);
	await expect(there.getByTestId('on-hand')).toHaveText('15');
	await expect(there.getByTestId('stock-batch')).toHaveAttribute('data-batch', `TR-${tag}`);
	await there.getByRole('link', { name: 'Movements' }).click();
	await expect(admin.getByTestId('movements-panel').locator('[data-kind="transfer_in"]')).toContainText(`Received from ${CLINIC.name}`);
	await screenshot(admin, 'transfer-branch-en');

	// In Urdu on a phone: a refusal in Urdu, then five more units.
	const phone = await phoneFor(browser, pharmacist.email);
	await phone.goto(`/${CLINIC.code}/pharmacy/stock`);
	await expect(phone.locator('html')).toHaveAttribute('dir', 'rtl');
	const phoneCard = medicineCard(phone, name);
	await phoneCard.getByRole('button', { name: `بیچ TR-${tag} کسی شاخ کو منتقل کریں` }).click();
	const phoneDialog = phone.getByTestId('transfer-dialog');
	await phoneDialog.getByLabel('مقدار (یونٹ)').fill('0');
	await phoneDialog.getByRole('button', { name: 'منتقل کریں', exact: true }).click();
	await expect(phoneDialog.locator('.field-error')).toBeVisible();
	await screenshot(phone, 'transfer-refused-ur-phone');
	await phoneDialog.getByLabel('مقدار (یونٹ)').fill('5');
	await phoneDialog.getByRole('button', { name: 'منتقل کریں', exact: true }).click();
	await expect(phone.locator('.alert[role="status"]')).toContainText('منتقلی ہو گئی');
	await expect(phoneCard.getByTestId('on-hand')).toHaveText('20');
	await screenshot(phone, 'transfer-done-ur-phone');
	const scrolls = await phone.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
	expect(scrolls).toBe(false);
	await phone.goto(`/${CLINIC.code}/pharmacy/stock?movements=${med.id}`);
	await expect(phone.getByTestId('movements-panel').locator('[data-kind="transfer_out"]').first()).toContainText(`${branch.name} کو بھیجا`);
	await screenshot(phone, 'transfer-movements-ur-phone');

	// The branch's screen, open all along, follows the second transfer live.
	await expect(there.getByTestId('on-hand')).toHaveText('20');
});
