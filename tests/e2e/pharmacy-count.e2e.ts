import { ADMIN, CLINIC, PASSWORD, expect, expectAccessible, pageFor, rand, test } from './fixtures';
import { addStaff } from './calendarHelpers';
import { call, inDays, phoneFor, screenshot } from './pharmacyHelpers';

/**
 * A stock count as a pharmacist does it: start one, type what is on the shelf (saved as typed),
 * see the differences, post them, and find the batches' stock set to the counted figures. The
 * screen on an Urdu phone is screenshotted too.
 */

test('a pharmacist counts the shelf, sees the differences and posts them as adjustments', async ({ browser }) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const pharmacist = await addStaff(admin, 'pharmacist', `Pharmacist Count ${rand()}`);
	const tag = rand();
	const med = await call(admin, 'post', '/medicines', { genericName: `countamol ${tag}`, form: 'tablet', strength: '500 mg', route: 'oral' }, 201);
	const first = `CNT-A-${tag}`;
	const second = `CNT-B-${tag}`;
	for (const [batchNumber, quantity] of [
		[first, 30],
		[second, 12]
	] as const)
		await call(admin, 'post', `/medicines/${med.id}/batches`, { batchNumber, expiry: inDays(300), quantity, costPrice: 200, salePrice: 300 }, 201);

	const page = await pageFor(browser, pharmacist.email, PASSWORD);
	await page.goto(`/${CLINIC.code}/pharmacy/count`);
	await expect(page.getByRole('heading', { name: 'Stock count', level: 1 })).toBeVisible();
	await page.getByRole('button', { name: 'Start a stock count' }).click();
	const lineOf = (batch: string) => page.locator(`[data-testid="count-line"][data-batch="${batch}"]`);
	await expect(lineOf(first)).toBeVisible();

	await lineOf(first).getByRole('textbox').fill('27');
	await expect(lineOf(first).getByTestId('count-difference')).toHaveText('-3');
	await lineOf(first).getByRole('textbox').blur();
	await expect(page.getByTestId('count-done')).toHaveText('Saved.');
	await lineOf(second).getByRole('textbox').fill('12');
	await expect(lineOf(second).getByTestId('count-difference')).toHaveText('Matches');
	await expectAccessible(page);

	// Reloading keeps what was typed: it was saved as it was entered.
	await page.reload();
	await expect(lineOf(first).getByRole('textbox')).toHaveValue('27');

	await page.getByTestId('count-post').click();
	await expect(page.getByTestId('count-done')).toHaveText('Count posted. Batches adjusted: 1.');
	await expect(page.getByRole('button', { name: 'Start a stock count' })).toBeVisible();
	const stock = await call(page, 'get', `/medicines/${med.id}/stock`, null, 200);
	expect(stock.onHand).toBe(39);

	// The same screen on an Urdu phone.
	await page.getByRole('button', { name: 'Start a stock count' }).click();
	await expect(lineOf(first)).toBeVisible();
	const phone = await phoneFor(browser, pharmacist.email);
	await phone.goto(`/${CLINIC.code}/pharmacy/count`);
	await expect(phone.getByRole('heading', { name: 'اسٹاک کی گنتی', level: 1 })).toBeVisible();
	await expect(phone.locator('html')).toHaveAttribute('dir', 'rtl');
	await screenshot(phone, 'pharmacy-count-ur-phone');
	await screenshot(page, 'pharmacy-count-en-desktop');
	await phone.getByRole('button', { name: 'یہ گنتی منسوخ کریں' }).click();
	await expect(phone.getByRole('button', { name: 'اسٹاک کی گنتی شروع کریں' })).toBeVisible();
});

test('opening stock from CSV: the preview names the bad row, a refused import keeps the preview and the choices, leaving the row out imports the rest', async ({
	browser
}) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const tag = rand();
	const name = `importamol ${tag}`;
	const med = await call(admin, 'post', '/medicines', { genericName: name, form: 'tablet', strength: '500 mg', route: 'oral' }, 201);
	const csv = [
		'genericName,form,strength,batchNumber,expiry,quantity,costPrice,salePrice',
		`${name},tablet,500 mg,IMP-1-${tag},${inDays(300)},25,10.50,15`,
		`nosuchmycin ${tag},tablet,1 mg,IMP-2-${tag},${inDays(300)},5,1,2`,
		`${name},tablet,500 mg,IMP-3-${tag},${inDays(300)},7,10.50,15`
	].join('\n');
	await admin.goto(`/${CLINIC.code}/pharmacy/import`);
	await expect(admin.getByRole('heading', { name: 'Import opening stock', level: 1 })).toBeVisible();
	await expect(admin.getByTestId('import-template')).toHaveAttribute('href', /^data:text\/csv;charset=utf-8,genericName%2Cform%2Cstrength%2CbatchNumber/);
	await admin.getByLabel('CSV file').setInputFiles({ name: 'stock.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
	await admin.getByRole('button', { name: 'Preview' }).click();
	await expect(admin.getByTestId('import-summary')).toHaveText('3 rows, 1 with problems.');
	const row = (line: number) => admin.locator(`[data-testid="import-row"][data-line="${line}"]`);
	// The medicine the catalogue lacks is named, with the way out: import the catalogue first.
	await expect(row(3)).toContainText(`“nosuchmycin ${tag} 1 mg tablet” is not in the catalogue`);
	await expect(admin.getByTestId('import-catalogue-first').getByRole('link', { name: 'Import the catalogue' })).toBeVisible();
	await expect(row(2)).toContainText('10.50');
	await expectAccessible(admin);
	await screenshot(admin, 'pharmacy-import-en-desktop');

	// Importing with the bad row kept is refused whole; the preview stays, with the row chosen to leave out.
	await row(4).getByRole('checkbox').check();
	await admin.getByRole('button', { name: 'Import', exact: true }).click();
	await expect(admin.locator('.alert-error')).toBeVisible();
	await expect(row(3)).toBeVisible();
	await expect(row(4).getByRole('checkbox')).toBeChecked();
	expect((await call(admin, 'get', `/medicines/${med.id}/stock`, null, 200)).onHand).toBe(0);
	await row(3).getByRole('checkbox').check();
	await admin.getByRole('button', { name: 'Import', exact: true }).click();
	await expect(admin.getByTestId('import-done')).toHaveText('Batches imported: 1. Rows left out: 2.');
	expect((await call(admin, 'get', `/medicines/${med.id}/stock`, null, 200)).onHand).toBe(25);
});

test('the catalogue from CSV: admins preview it, see what is already there, leave the bad row out and import the rest; the pharmacy cannot', async ({
	browser
}) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const tag = rand();
	const had = `alreadyol ${tag}`;
	await call(admin, 'post', '/medicines', { genericName: had, form: 'tablet', strength: '5 mg', route: 'oral' }, 201);
	const fresh = `cataloguamol ${tag}`;
	const csv = [
		'genericName,form,strength,route,atc,atcClass',
		`${fresh},tablet,500 mg,oral,N02BE01,`,
		`${had},tablet,5 mg,oral,N02BE01,N02B`,
		`badform ${tag},syrup,1 mg,oral,J01CA04,`
	].join('\n');

	await admin.goto(`/${CLINIC.code}/pharmacy/import`);
	await admin.getByRole('navigation', { name: 'What to import' }).getByRole('link', { name: 'Catalogue' }).click();
	await expect(admin.getByRole('heading', { name: 'Import the catalogue', level: 1 })).toBeVisible();
	await expect(admin.getByTestId('import-template')).toHaveAttribute('download', 'catalogue-template.csv');
	// Nothing chosen, a wrong header, a header alone: refused with a sentence, no preview.
	await admin.getByRole('button', { name: 'Preview' }).click();
	await expect(admin.locator('.alert-error')).toBeVisible();
	await admin.getByLabel('Or paste the CSV text').fill('name,form,strength\nx,tablet,1 mg');
	await admin.getByRole('button', { name: 'Preview' }).click();
	await expect(admin.getByTestId('import-file-problems')).toContainText('The header row has no column “genericName”. Start from the template.');
	await admin.getByLabel('Or paste the CSV text').fill('genericName,form,strength,route,atc,atcClass');
	await admin.getByRole('button', { name: 'Preview' }).click();
	await expect(admin.getByTestId('import-file-problems')).toContainText('The file has no rows to import');
	await expect(admin.getByTestId('import-row')).toHaveCount(0);
	await admin.getByLabel('Or paste the CSV text').fill(csv);
	await admin.getByRole('button', { name: 'Preview' }).click();
	await expect(admin.getByTestId('import-summary')).toHaveText('3 rows, 1 with problems, 1 already in the catalogue.');
	const row = (line: number) => admin.locator(`[data-testid="import-row"][data-line="${line}"]`);
	await expect(row(2)).toContainText('Ready');
	await expect(row(3)).toContainText('Already in the catalogue');
	await expect(row(4)).toContainText('form');
	await expectAccessible(admin);
	await screenshot(admin, 'catalogue-import-en-desktop');

	await admin.getByRole('button', { name: 'Import', exact: true }).click();
	await expect(admin.locator('.alert-error')).toBeVisible();
	expect(((await call(admin, 'get', `/medicines?q=${encodeURIComponent(fresh)}`, null, 200)).results as unknown[]).length).toBe(0);
	await row(4).getByRole('checkbox').check();
	await admin.getByRole('button', { name: 'Import', exact: true }).click();
	await expect(admin.getByTestId('import-done')).toHaveText('Medicines added: 1. Already in the catalogue: 1. Rows left out: 1.');
	expect(((await call(admin, 'get', `/medicines?q=${encodeURIComponent(fresh)}`, null, 200)).results as unknown[]).length).toBe(1);

	// On an Urdu phone: the same preview, right to left.
	const phone = await phoneFor(browser, ADMIN.email, ADMIN.password);
	await phone.goto(`/${CLINIC.code}/pharmacy/import?kind=catalogue`);
	await expect(phone.getByRole('heading', { name: 'فہرستِ ادویات درآمد کریں', level: 1 })).toBeVisible();
	await expect(phone.locator('html')).toHaveAttribute('dir', 'rtl');
	await phone.getByLabel('یا CSV متن یہاں چسپاں کریں').fill(csv);
	await phone.getByRole('button', { name: 'پیش نظارہ' }).click();
	await expect(phone.getByTestId('import-summary')).toHaveText('3 قطاریں، 1 میں مسائل، 2 فہرست میں پہلے سے موجود۔');
	await screenshot(phone, 'catalogue-import-ur-phone');

	// A pharmacist imports opening stock only: the catalogue is neither offered nor reachable.
	const pharmacist = await pageFor(browser, (await addStaff(admin, 'pharmacist', `Pharmacist Import ${tag}`)).email, PASSWORD);
	await pharmacist.goto(`/${CLINIC.code}/pharmacy/import?kind=catalogue`);
	await expect(pharmacist.getByRole('heading', { name: 'Import opening stock', level: 1 })).toBeVisible();
	await expect(pharmacist.getByRole('link', { name: 'Catalogue', exact: true })).toHaveCount(0);
	const refused = await pharmacist.request.post(`/api/v1/clinics/${CLINIC.code}/medicines/import`, { data: { kind: 'catalogue', csv, preview: true } });
	expect(refused.status()).toBe(403);
});
