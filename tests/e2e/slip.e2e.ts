import type { Page } from '@playwright/test';
import { ADMIN, CLINIC, expect, pageFor, PASSWORD, rand, test } from './fixtures';

const api = () => `/api/v1/clinics/${CLINIC.code}`;

/** With SLIP_SCREENSHOTS=<dir>, keeps the slip on screen and as printed (PDF and picture) for review. */
async function keep(page: Page, name: string) {
	const dir = process.env.SLIP_SCREENSHOTS;
	if (!dir) return;
	await page.screenshot({ path: `${dir}/${name}-screen.png`, fullPage: true });
	await page.emulateMedia({ media: 'print' });
	await page.screenshot({ path: `${dir}/${name}-print.png`, fullPage: true });
	await page.pdf({ path: `${dir}/${name}.pdf`, preferCSSPageSize: true });
	await page.emulateMedia({ media: 'screen' });
}

test('the desk finds a walk-in as they type, checks them in and prints the token slip (receipt roll and A6, English and Urdu); the API serves it and refuses the pharmacy', async ({
	browser
}) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const doctor = { name: `Dr Nadia ${rand()}`, email: `nadia-${rand()}@clinic.test`, role: 'doctor' };
	const desk = { name: `Desk ${rand()}`, email: `slip-desk-${rand()}@clinic.test`, role: 'reception' };
	const pharmacist = { name: `Pharmacy ${rand()}`, email: `slip-ph-${rand()}@clinic.test`, role: 'pharmacist' };
	for (const person of [doctor, desk, pharmacist]) {
		const res = await admin.request.post(`${api()}/members`, { data: { ...person, password: PASSWORD } });
		expect(res.status(), await res.text()).toBe(201);
	}
	const patient = `Rashid Mehmood ${rand()}`;
	expect((await admin.request.post(`${api()}/patients`, { data: { name: patient, allowDuplicate: true } })).status()).toBe(201);

	const page = await pageFor(browser, desk.email, PASSWORD);
	// The walk-in search filters as the desk types, without reloading the page.
	await page.goto(`/${CLINIC.code}/queue`);
	await page.evaluate(() => Reflect.set(window, '__samePage', true));
	await page.getByLabel('Find a patient').pressSequentially(patient, { delay: 20 });
	const result = page.getByTestId('search-result').filter({ hasText: patient });
	await expect(result).toBeVisible();
	expect(await page.evaluate(() => Reflect.get(window, '__samePage'))).toBe(true);
	expect(new URL(page.url()).search).toBe('');
	await result.getByRole('combobox').selectOption({ label: doctor.name });
	await result.getByRole('button').click();
	const checkedIn = page.getByTestId('checked-in');
	await expect(checkedIn).toBeVisible();
	const token = /\d{3}/.exec((await checkedIn.textContent()) ?? '')?.[0];
	expect(token).toBeTruthy();

	// "Print slip" beside the confirmation opens the slip in a new tab.
	const [slip] = await Promise.all([page.context().waitForEvent('page'), checkedIn.getByTestId('checked-in-slip').click()]);
	await slip.waitForLoadState();
	await expect(slip.getByTestId('slip-token')).toHaveText(token!);
	await expect(slip.getByTestId('slip-doctor')).toHaveText(doctor.name);
	await expect(slip.getByTestId('token-slip').locator('svg')).toBeVisible();
	// The slip never names the patient: it may be left on a chair.
	await expect(slip.getByTestId('token-slip')).not.toContainText(patient);
	await expect(slip.getByRole('button', { name: 'Print' })).toBeVisible();
	await keep(slip, 'slip-80mm-en');
	await slip.getByRole('link', { name: 'A6 paper' }).click();
	await expect(slip).toHaveURL(/paper=a6/);
	await expect(slip.getByTestId('slip-token')).toHaveText(token!);
	// The printer's page size comes with the paper chosen.
	await expect(slip.locator('link[href="/print/slip-a6.css"]')).toHaveCount(1);
	await keep(slip, 'slip-a6-en');

	// The waiting list has the same link on every row.
	const row = page.getByTestId('waiting-row').filter({ hasText: patient });
	await expect(row.getByTestId('print-slip')).toHaveAttribute('href', /\/queue\/[0-9a-f-]{36}\/slip$/);
	const slipPath = (await row.getByTestId('print-slip').getAttribute('href'))!;

	// In Urdu, right to left.
	const urdu = await pageFor(browser, desk.email, PASSWORD, 'ur');
	await urdu.goto(slipPath);
	await expect(urdu.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(urdu.getByTestId('slip-token')).toHaveText(token!);
	await expect(urdu.getByTestId('token-slip')).toContainText('آپ کا ٹوکن');
	await keep(urdu, 'slip-80mm-ur');

	// The API answers the same page; the pharmacy (who may see the queue) may not print slips.
	const tokenId = slipPath.split('/').at(-2)!;
	const html = await page.request.get(`${api()}/queue/${tokenId}/slip?paper=a6`);
	expect(html.status()).toBe(200);
	expect(html.headers()['content-type']).toContain('text/html');
	expect(await html.text()).toContain(token!);
	const pharmacy = await pageFor(browser, pharmacist.email, PASSWORD);
	const refused = await pharmacy.request.get(`${api()}/queue/${tokenId}/slip`);
	expect(refused.status()).toBe(403);
	expect((await refused.json()).error.code).toBe('forbidden');
	expect((await page.request.get(`${api()}/queue/00000000-0000-4000-8000-000000000000/slip`)).status()).toBe(404);
});
