import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { ADMIN, CLINIC, PASSWORD, expect, expectAccessible, hydrated, pageFor, rand, test } from './fixtures';
import { addPatient, addStaff } from './calendarHelpers';
import { call, phoneFor, screenshot } from './pharmacyHelpers';

/**
 * The desk's billing screens: a draft invoice (the kind a completed visit leaves) is found in the
 * list, issued with its number, paid part in cash (the change worked out as the cashier types)
 * and the rest by card after two refusals; an admin refunds part of the card payment and credits
 * the rest; the same invoice reads right to left in Urdu on a phone; the pharmacy has no way in.
 */

const key = () => `e2e-${rand()}${rand()}`;

async function draftFor(desk: Page, patientId: string, serviceId: string) {
	const draft = await call(
		desk,
		'post',
		'/invoices',
		{
			patientId,
			lines: [
				{ serviceId, quantity: 1 },
				{ description: 'Wound dressing', category: 'procedure', quantity: 2, unitPrice: 25_000, discount: { percent: 10, reason: 'Staff family' } }
			],
			idempotencyKey: key()
		},
		201
	);
	return String(draft.id);
}

test('the desk issues a draft, takes cash with change and a card, and an admin refunds and credits; in Urdu on a phone too', async ({ browser }) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const service = await call(admin, 'post', '/services', { name: `Consultation ${rand()}`, category: 'consultation', price: 150_000 }, 201);
	const receptionist = await addStaff(admin, 'reception', `Desk Rabia ${rand()}`);
	const pharmacist = await addStaff(admin, 'pharmacist', `Pharmacist Omar ${rand()}`);
	const patient = await addPatient(admin, `Billing Patient ${rand()}`);

	const desk = await pageFor(browser, receptionist.email, PASSWORD);
	const id = await draftFor(desk, patient.id, String(service.id));

	// The navigation leads to the list, where the draft waits under "To do".
	await desk.getByRole('link', { name: 'Billing', exact: true }).first().click();
	await expect(desk.getByRole('heading', { name: 'Billing', level: 1 })).toBeVisible();
	const row = desk.getByTestId('invoice-row').filter({ hasText: patient.name });
	await expect(row).toContainText('Draft');
	// 1,500.00 + 2 × 250.00 less 10% = 1,950.00
	await expect(row).toContainText('1,950.00');
	await desk.getByRole('searchbox').fill('no such patient here');
	await desk.getByRole('button', { name: 'Search' }).click();
	await expect(desk.getByTestId('no-invoices')).toHaveText('No invoice matches that search.');
	await desk.getByRole('searchbox').fill(patient.name);
	await desk.getByRole('button', { name: 'Search' }).click();
	await expect(desk.getByTestId('invoice-row')).toHaveCount(1);
	await screenshot(desk, 'billing-list-en');
	await desk.getByTestId('invoice-row').getByRole('link').click();

	await expect(desk.getByTestId('invoice-status')).toHaveText('Draft');
	await expect(desk.getByTestId('invoice-line')).toHaveCount(2);
	await expect(desk.getByTestId('invoice-line').nth(1)).toContainText('Staff family');
	await expect(desk.getByTestId('balance')).toContainText('1,950.00');
	await hydrated(desk);
	await desk.getByRole('button', { name: 'Issue invoice' }).click();
	await expect(desk.getByTestId('invoice-status')).toHaveText('Issued');
	const year = new Date().getFullYear();
	await expect(desk.getByTestId('invoice-number')).toHaveText(new RegExp(`^${CLINIC.code}-INV-(${year - 1}|${year})-000001$`));
	const number = (await desk.getByTestId('invoice-number').innerText()).trim();
	await expect(desk.getByRole('status')).toContainText(`Invoice ${number} issued.`);

	// Cash: the change is worked out as the cashier types what the patient handed over.
	const pay = desk.getByTestId('pay-form');
	await expect(pay.getByLabel(/^Amount/)).toHaveValue('1950.00');
	await pay.getByLabel(/^Amount/).fill('1000');
	await pay.getByLabel(/^Cash given/).fill('900');
	await expect(pay.getByTestId('change-due')).toContainText('short of the amount');
	await pay.getByLabel(/^Cash given/).fill('1500');
	await expect(pay.getByTestId('change-due')).toContainText('Change due');
	await expect(pay.getByTestId('change-due')).toContainText('500.00');
	await screenshot(desk, 'billing-cash-en');
	await pay.getByRole('button', { name: 'Take payment' }).click();
	await expect(desk.getByTestId('payment-done')).toContainText('Payment taken.');
	await expect(desk.getByTestId('payment-done')).toContainText('500.00');
	await expect(desk.getByTestId('invoice-status')).toHaveText('Partly paid');
	await expect(desk.getByTestId('balance')).toContainText('950.00');

	// Two refusals, each beside the amount, and nothing taken: too many decimals, then more than is owed.
	await pay.getByLabel('Card').check();
	await expect(pay.getByLabel(/^Amount/)).toHaveValue('950.00');
	await pay.getByLabel(/^Amount/).fill('12.345');
	await pay.getByRole('button', { name: 'Take payment' }).click();
	await expect(pay.locator('.field-error')).toContainText('at most 2 decimals');
	await expect(pay.getByLabel(/^Amount/)).toHaveAttribute('aria-invalid', 'true');
	await pay.getByLabel(/^Amount/).fill('1000');
	await pay.getByLabel('Reference').fill('AUTH-7781');
	await pay.getByRole('button', { name: 'Take payment' }).click();
	await expect(pay.locator('.field-error')).toContainText('more than is still owed');
	await expect(desk.getByTestId('payment')).toHaveCount(1);
	await expect(desk.getByTestId('balance')).toContainText('950.00');
	await expectAccessible(desk);

	await pay.getByLabel(/^Amount/).fill('950');
	await pay.getByRole('button', { name: 'Take payment' }).click();
	await expect(desk.getByTestId('invoice-status')).toHaveText('Paid');
	await expect(desk.getByTestId('payment')).toHaveCount(2);
	await expect(desk.getByTestId('payment').nth(1)).toContainText('AUTH-7781');
	await expect(desk.getByTestId('pay-form')).toHaveCount(0);
	// The desk cannot give money back: that is an admin's.
	await expect(desk.getByText('Refund this payment')).toHaveCount(0);

	// The printed invoice is there for the desk.
	const pdf = await desk.request.get(`/api/v1/clinics/${CLINIC.code}/invoices/${id}/pdf`);
	expect(pdf.status()).toBe(200);
	expect(pdf.headers()['content-type']).toContain('application/pdf');

	// An admin refunds part of the card payment, then credits what that leaves owed.
	await admin.goto(`/${CLINIC.code}/billing/${id}`);
	await hydrated(admin);
	const card = admin.getByTestId('payment').nth(1);
	await card.getByText('Refund this payment').click();
	await card.getByLabel(/^Amount/).fill('200');
	await card.getByRole('button', { name: 'Refund' }).click();
	await expect(card.locator('.field-error')).toContainText(/./);
	await card.getByLabel('Reason').fill('Charged for a second dressing not done');
	await card.getByRole('button', { name: 'Refund' }).click();
	await expect(admin.getByRole('status')).toContainText('Refund recorded.');
	await expect(admin.getByTestId('invoice-status')).toHaveText('Partly paid');
	await expect(admin.locator('[data-testid="payment"][data-refund="true"]')).toContainText('Charged for a second dressing not done');
	await expect(admin.getByTestId('balance')).toContainText('200.00');
	await admin.getByText('Make a credit note').click();
	await admin.locator('#credit-amount').fill('200');
	await admin.locator('#credit-reason').fill('Dressing not needed after all');
	await admin.getByRole('button', { name: 'Make credit note' }).click();
	await expect(admin.getByTestId('invoice-status')).toHaveText('Paid');
	await expect(admin.getByTestId('credit-note')).toContainText(new RegExp(`${CLINIC.code}-CN-\\d{4}-000001`));
	await screenshot(admin, 'billing-invoice-admin-en');

	// The same invoice in Urdu on a phone: right to left, nothing wider than the screen.
	const phone = await phoneFor(browser, receptionist.email);
	await phone.goto(`/${CLINIC.code}/billing/${id}`);
	await expect(phone.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(phone.getByTestId('invoice-status')).toHaveText('ادا شدہ');
	await expect(phone.getByRole('heading', { name: 'کس چیز کا بل ہے' })).toBeVisible();
	const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(overflow).toBeLessThanOrEqual(1);
	await screenshot(phone, 'billing-invoice-ur-phone');
	await expectAccessible(phone);
	await phone.goto(`/${CLINIC.code}/billing?show=all`);
	await expect(phone.getByTestId('invoice-row').filter({ hasText: patient.name })).toContainText('ادا شدہ');
	await screenshot(phone, 'billing-list-ur-phone');

	// The desk closes its day: cash matches, the card count is short, so the reason is asked for.
	await desk.goto(`/${CLINIC.code}/billing`);
	await desk.getByRole('link', { name: 'Close the day' }).click();
	await hydrated(desk);
	const close = desk.getByTestId('close-form');
	await expect(close.getByTestId('count-cash')).toContainText('Your payments: PKR 1,000.00');
	await close.getByLabel(/^Cash/).fill('1000');
	await expect(close.getByTestId('count-cash')).toContainText('Matches');
	await close.getByLabel(/^Card/).fill('900');
	await expect(close.getByTestId('count-card')).toContainText('Differs by −PKR 50.00');
	await close.getByRole('button', { name: 'Close the day' }).click();
	await expect(close.locator('.field-error')).toHaveText('This field is required.');
	await close.getByLabel('Reason for any difference').fill('One card slip missing');
	await close.getByRole('button', { name: 'Close the day' }).click();
	await expect(desk.getByTestId('day-closed')).toContainText('Day closed at');
	await expect(desk.getByTestId('close-row').nth(1)).toContainText('−PKR 50.00');
	await expect(desk.getByText('One card slip missing')).toBeVisible();
	await screenshot(desk, 'billing-day-closed-en');

	// The pharmacy sees no billing screen and has no link to one.
	const pharmacy = await pageFor(browser, pharmacist.email, PASSWORD);
	await expect(pharmacy.getByRole('link', { name: 'Billing', exact: true })).toHaveCount(0);
	const refused = await pharmacy.goto(`/${CLINIC.code}/billing/${id}`);
	expect(refused?.status()).toBe(403);
});

test('an admin keeps the price list and the taxes; the desk reads them; in Urdu on a phone too', async ({ browser }) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const receptionist = await addStaff(admin, 'reception', `Desk Saima ${rand()}`);
	const name = `ECG ${rand()}`;

	await admin.goto(`/${CLINIC.code}/billing`);
	await admin.getByRole('link', { name: 'Price list and taxes' }).click();
	await expect(admin.getByRole('heading', { name: 'Price list', level: 1 })).toBeVisible();
	await hydrated(admin);
	const add = admin.getByTestId('add-service');
	await add.getByLabel('Kind').selectOption('procedure');
	await expect(add.getByLabel('Doctor')).toHaveCount(0);
	await add.getByLabel('Service').fill(name);
	await add.getByLabel(/^Price/).fill('800');
	await add.getByRole('button', { name: 'Add service' }).click();
	await expect(admin.getByRole('status')).toHaveText(`${name} added to the price list.`);
	const row = admin.getByTestId('service-row').filter({ hasText: name });
	await expect(row.getByTestId('price-today')).toContainText('800.00');

	// The same name again is refused beside the name; nothing is added.
	await add.getByLabel('Kind').selectOption('procedure');
	await add.getByLabel('Service').fill(name.toUpperCase());
	await add.getByLabel(/^Price/).fill('50');
	await add.getByRole('button', { name: 'Add service' }).click();
	await expect(add.locator('.field-error')).toHaveText('The price list already has a service of that name.');
	await expect(admin.getByTestId('service-row').filter({ hasText: name })).toHaveCount(1);

	// A new price from tomorrow: today's stays, the next one is shown with its day.
	const change = admin.locator('details').filter({ hasText: `Change the price of ${name}` });
	await change.getByText(`Change the price of ${name}`).click();
	const today = await change.getByLabel('From').inputValue();
	const tomorrow = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
	await change.getByLabel(/^New price/).fill('900');
	await change.getByLabel('From').fill(tomorrow);
	await change.getByRole('button', { name: 'Set price' }).click();
	await expect(admin.getByRole('status')).toHaveText('Price set.');
	await expect(row.getByTestId('price-today')).toContainText('800.00');
	await expect(row.getByTestId('price-next')).toContainText('900.00 from');

	// Sales tax on procedures: a rate with three decimals is refused beside the rate, 17 is kept.
	const procedures = admin.getByTestId('tax-procedure');
	await procedures.getByLabel('Name on the bill').fill('Sales tax');
	await procedures.getByLabel('Rate (%)').fill('17.555');
	await procedures.getByRole('button', { name: 'Save' }).click();
	await expect(procedures.locator('.field-error')).toContainText('at most 2 decimals');
	await procedures.getByLabel('Rate (%)').fill('17');
	await procedures.getByRole('button', { name: 'Save' }).click();
	await expect(admin.getByRole('status')).toHaveText('Tax saved.');
	await expect(admin.getByTestId('tax-procedure').getByLabel('Rate (%)')).toHaveValue('17.00');
	await expect(admin.getByTestId('tax-procedure').getByLabel('Name on the bill')).toHaveValue('Sales tax');
	await screenshot(admin, 'billing-prices-admin-en');
	await expectAccessible(admin);

	// The desk reads the list and the taxes, and has no form to change them.
	const desk = await pageFor(browser, receptionist.email, PASSWORD);
	await desk.goto(`/${CLINIC.code}/billing/prices`);
	await expect(desk.getByTestId('service-row').filter({ hasText: name })).toContainText('800.00');
	await expect(desk.getByTestId('add-service')).toHaveCount(0);
	await expect(desk.getByTestId('tax-procedure')).toContainText('Sales tax 17.00% · added to the price');

	const phone = await phoneFor(browser, receptionist.email);
	await phone.goto(`/${CLINIC.code}/billing/prices`);
	await expect(phone.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(phone.getByRole('heading', { name: 'قیمتوں کی فہرست', level: 1 })).toBeVisible();
	const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(overflow).toBeLessThanOrEqual(1);
	await screenshot(phone, 'billing-prices-ur-phone');
});

test('an admin sets who QR payments go to; the desk shows the code for the balance and records the bank’s reference; in Urdu on a phone too', async ({
	browser
}) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const service = await call(admin, 'post', '/services', { name: `Consultation QR ${rand()}`, category: 'consultation', price: 150_000 }, 201);
	const receptionist = await addStaff(admin, 'reception', `Desk Hina ${rand()}`);
	const patient = await addPatient(admin, `QR Patient ${rand()}`);
	const desk = await pageFor(browser, receptionist.email, PASSWORD);
	const id = await draftFor(desk, patient.id, String(service.id));
	await call(desk, 'post', `/invoices/${id}/issue`, { idempotencyKey: key() }, 200);

	// Before an admin sets the payee, choosing QR says so instead of showing a code.
	await desk.goto(`/${CLINIC.code}/billing/${id}`);
	await hydrated(desk);
	const pay = desk.getByTestId('pay-form');
	await pay.getByLabel('QR').check();
	await expect(pay.getByTestId('payment-qr-missing')).toContainText('QR payments are not set up yet');

	// The admin's payee: a name in Urdu script is refused beside the name (banking apps show Latin letters only).
	await admin.goto(`/${CLINIC.code}/billing/prices`);
	await hydrated(admin);
	const payee = admin.getByTestId('payee');
	await payee.getByLabel('Name shown to the payer').fill('شفا کلینک');
	await payee.getByLabel('City').fill('Lahore');
	await payee.getByLabel(/^Account/).fill('PK36 SCBL 0000 0011 2345 6702');
	await payee.getByRole('button', { name: 'Save payee' }).click();
	await expect(payee.locator('.field-error').first()).toContainText('Use Latin letters');
	await payee.getByLabel('Name shown to the payer').fill('Shifa Clinic');
	await payee.getByRole('button', { name: 'Save payee' }).click();
	await expect(admin.getByRole('status')).toHaveText('Payee saved. New QR codes pay this account.');
	await expect(payee.getByLabel(/^Account/)).toHaveValue('PK36SCBL0000001123456702');
	await screenshot(admin, 'billing-payee-admin-en');

	// The desk now sees the code for the whole balance; the image is a real picture, not a broken link.
	await desk.reload();
	await hydrated(desk);
	await pay.getByLabel('QR').check();
	const panel = pay.getByTestId('payment-qr');
	// The code asks for the balance (whatever taxes the price list adds by now).
	await expect(panel.getByRole('heading')).toHaveText(`Scan to pay ${await desk.getByTestId('balance').innerText()}`);
	const image = panel.getByRole('img', { name: /Payment QR code for invoice/ });
	await expect(image).toBeVisible();
	await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
	await screenshot(desk, 'billing-qr-en');

	// Urdu on a phone: the panel fits and reads right to left.
	const phone = await phoneFor(browser, receptionist.email);
	await phone.goto(`/${CLINIC.code}/billing/${id}`);
	await hydrated(phone);
	await phone.getByTestId('pay-form').getByLabel('کیو آر').check();
	await expect(phone.getByTestId('payment-qr').getByRole('heading')).toContainText('ادائیگی کے لیے اسکین کریں');
	const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(overflow).toBeLessThanOrEqual(1);
	await screenshot(phone, 'billing-qr-ur-phone');

	// The bank confirms: the desk records the QR payment with its reference, and the invoice is paid.
	await pay.getByLabel('Reference').fill('RAAST-20261207-5521');
	await pay.getByRole('button', { name: 'Take payment' }).click();
	await expect(desk.getByTestId('invoice-status')).toHaveText('Paid');
	await expect(desk.getByTestId('pay-form')).toHaveCount(0);
});

test('an admin sets a doctor’s share from the earnings page; the doctor sees what they earned this month; in Urdu on a phone too', async ({ browser }) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const doctor = await addStaff(admin, 'doctor', `Dr Earnings ${rand()}`);
	const receptionist = await addStaff(admin, 'reception', `Desk Nadia ${rand()}`);
	const patient = await addPatient(admin, `Earnings Patient ${rand()}`);
	const service = await call(
		admin,
		'post',
		'/services',
		{ name: `Consultation ${doctor.name}`, category: 'consultation', price: 200_000, doctorId: doctor.id },
		201
	);
	const desk = await pageFor(browser, receptionist.email, PASSWORD);
	const draft = await call(desk, 'post', '/invoices', { patientId: patient.id, lines: [{ serviceId: service.id, quantity: 1 }], idempotencyKey: key() }, 201);
	const issued = await call(desk, 'post', `/invoices/${draft.id}/issue`, { idempotencyKey: key() }, 200);
	await call(desk, 'post', `/invoices/${draft.id}/payments`, { amount: issued.balance, method: 'cash', idempotencyKey: key() }, 201);

	// The admin opens Earnings, picks the doctor: the paid consultation is there, earning nothing yet.
	await admin.goto(`/${CLINIC.code}`);
	await admin.getByRole('link', { name: 'Earnings', exact: true }).first().click();
	await expect(admin.getByRole('heading', { name: 'Earnings', level: 1 })).toBeVisible();
	await admin.getByLabel('Doctor').selectOption({ label: doctor.name });
	await admin.getByRole('button', { name: 'Show' }).click();
	await expect(admin.getByTestId('earnings-line')).toHaveCount(1);
	await expect(admin.getByTestId('no-shares')).toBeVisible();
	await hydrated(admin);

	// 140% is refused beside the value; 40% is saved and applies now.
	const form = admin.getByTestId('share-form');
	await form.getByLabel('Percentage of what was paid').check();
	await form.getByLabel('Percentage (%)').fill('140');
	await form.getByRole('button', { name: 'Save share' }).click();
	await expect(form.locator('.field-error')).toHaveText('Write a whole percentage from 0 to 100.');
	await form.getByLabel('Percentage (%)').fill('40');
	await form.getByRole('button', { name: 'Save share' }).click();
	await expect(admin.getByRole('status')).toHaveText('Share saved.');
	await expect(admin.getByTestId('share-rule')).toContainText(['40% of what was paid, before tax']);
	await expect(admin.getByTestId('earnings-total')).toContainText('800.00');
	await screenshot(admin, 'earnings-admin-en');
	await expectAccessible(admin);

	// The doctor sees their own month from their navigation; the share form is the admin's.
	const own = await pageFor(browser, doctor.email, PASSWORD);
	await own.getByRole('link', { name: 'Earnings', exact: true }).first().click();
	await expect(own.getByTestId('earnings-total')).toContainText('800.00');
	await expect(own.getByLabel('Doctor')).toHaveCount(0);
	await expect(own.getByTestId('share-form')).toHaveCount(0);

	const phone = await phoneFor(browser, doctor.email);
	await phone.goto(`/${CLINIC.code}/earnings`);
	await expect(phone.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(phone.getByRole('heading', { name: 'آمدنی', level: 1 })).toBeVisible();
	await expect(phone.getByTestId('earnings-total')).toContainText('800.00');
	const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(overflow).toBeLessThanOrEqual(1);
	await screenshot(phone, 'earnings-doctor-ur-phone');

	// The desk has no way in.
	expect((await desk.goto(`/${CLINIC.code}/earnings`))?.status()).toBe(403);
});

test('an admin reads the revenue report with its chart and downloads it as CSV; in Urdu on a phone too; the desk has no way in', async ({ browser }) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const receptionist = await addStaff(admin, 'reception', `Desk Sana ${rand()}`);
	const patient = await addPatient(admin, `Report Patient ${rand()}`);
	const desk = await pageFor(browser, receptionist.email, PASSWORD);
	const draft = await call(
		desk,
		'post',
		'/invoices',
		{ patientId: patient.id, lines: [{ description: 'Nebulisation', category: 'procedure', quantity: 1, unitPrice: 40_000 }], idempotencyKey: key() },
		201
	);
	await call(desk, 'post', `/invoices/${draft.id}/issue`, { idempotencyKey: key() }, 200);
	await call(desk, 'post', `/invoices/${draft.id}/payments`, { amount: 40_000, method: 'wallet', idempotencyKey: key() }, 201);

	await admin.goto(`/${CLINIC.code}/billing`);
	await admin.getByRole('link', { name: 'Revenue report' }).click();
	await expect(admin.getByRole('heading', { name: 'Revenue report', level: 1 })).toBeVisible();
	await expect(admin.getByTestId('revenue-chart')).toBeVisible();
	expect(Number(await admin.getByTestId('total-invoices').innerText())).toBeGreaterThanOrEqual(1);
	await expect(admin.getByTestId('by-method').filter({ hasText: 'Mobile wallet' })).toBeVisible();
	await screenshot(admin, 'revenue-report-en');
	await expectAccessible(admin);

	// The CSV holds the same period's figures.
	const [download] = await Promise.all([admin.waitForEvent('download'), admin.getByTestId('revenue-csv').click()]);
	expect(download.suggestedFilename()).toMatch(/^revenue-\d{4}-\d{2}-01-\d{4}-\d{2}-\d{2}\.csv$/);
	const csv = await readFile((await download.path())!, 'utf8');
	expect(csv).toContain('section,key,label,amount_PKR,count');
	expect(csv).toMatch(/method,wallet,,\d+\.\d{2},/);

	// "To" before "from" is said beside the field; this month is shown instead.
	await admin.getByLabel('From', { exact: true }).fill('2026-11-30');
	await admin.getByLabel('To', { exact: true }).fill('2026-11-01');
	await admin.getByRole('button', { name: 'Show' }).click();
	await expect(admin.getByTestId('period').locator('.field-error')).toHaveText('The last day must not be before the first day.');

	const phone = await phoneFor(browser, ADMIN.email, ADMIN.password);
	await phone.goto(`/${CLINIC.code}/billing/reports`);
	await expect(phone.getByRole('heading', { name: 'آمدنی کی رپورٹ', level: 1 })).toBeVisible();
	const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(overflow).toBeLessThanOrEqual(1);
	await screenshot(phone, 'revenue-report-ur-phone');

	expect((await desk.goto(`/${CLINIC.code}/billing/reports`))?.status()).toBe(403);
	await desk.goto(`/${CLINIC.code}/billing`);
	await expect(desk.getByRole('link', { name: 'Revenue report' })).toHaveCount(0);
});
