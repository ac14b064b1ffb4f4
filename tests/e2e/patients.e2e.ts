import { mkdirSync } from 'node:fs';
import { ADMIN, CLINIC, expect, expectAccessible, signIn, test } from './fixtures';
import type { Page } from '@playwright/test';

/** Letters only, so trigram search treats it as a word; unique per run so specs can share the clinic. */
const word = () => Array.from({ length: 7 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');
const capital = (s: string) => s[0].toUpperCase() + s.slice(1);
const mobile = () => `0345${String(Math.floor(1_000_000 + Math.random() * 8_999_999))}`;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

async function registerPatient(page: Page, fields: { name: string; phone: string; dateOfBirth?: string; allergies?: string }) {
	await page.goto(`/${CLINIC.code}/patients/new`);
	await page.getByLabel('Full name').fill(fields.name);
	await page.getByLabel('Phone', { exact: true }).fill(fields.phone);
	if (fields.dateOfBirth) await page.getByLabel('Date of birth').fill(fields.dateOfBirth);
	if (fields.allergies) await page.getByLabel('Allergies').fill(fields.allergies);
	await page.getByRole('button', { name: 'Register', exact: true }).click();
}

test('registers, warns about a duplicate, finds a misspelt name, keeps a PDF and merges the duplicate', async ({ page }) => {
	test.setTimeout(180_000);
	const family = capital(word());
	const name = `Nasreen ${family}`;
	const phone = mobile();
	await signIn(page, ADMIN.email, ADMIN.password);
	await expect(page).toHaveURL(new RegExp(`/${CLINIC.code}$`));
	await page.getByRole('link', { name: 'Patients' }).first().click();
	await expect(page.getByRole('heading', { level: 1, name: 'Patients' })).toBeVisible();
	await expectAccessible(page);

	// Register: the record opens with its reference and the allergy in plain sight.
	await page.getByRole('link', { name: 'Register patient' }).click();
	await expectAccessible(page);
	await registerPatient(page, { name, phone, dateOfBirth: '1988-03-14', allergies: 'Penicillin' });
	await expect(page.getByRole('status')).toContainText(`${name} is registered as ${CLINIC.code}-P`);
	const survivorUrl = page.url().replace(/\?.*$/, '');
	const ref = (await page.locator('.ref-block .ref').textContent())?.trim() ?? '';
	expect(ref).toMatch(new RegExp(`^${CLINIC.code}-P\\d+$`));
	await expect(page.getByRole('region', { name: 'Allergies' })).toContainText('Penicillin');
	await expectAccessible(page);

	// The same phone again: a warning naming the first record, then a deliberate second registration.
	await registerPatient(page, { name: `Nasrin ${family}`, phone });
	const warning = page.getByRole('alert').filter({ hasText: 'This may be someone already registered' });
	await expect(warning).toBeVisible();
	await expect(warning.getByRole('link', { name: new RegExp(ref) })).toBeVisible();
	await expectAccessible(page);
	await page.getByRole('button', { name: 'This is a different person, register anyway' }).click();
	await expect(page.getByRole('status')).toContainText(`Nasrin ${family} is registered`);
	const duplicateRef = (await page.locator('.ref-block .ref').textContent())?.trim() ?? '';
	expect(duplicateRef).not.toBe(ref);

	// Search as you type with a misspelling; the keyboard reaches the result.
	await page.goto(`/${CLINIC.code}/patients`);
	const box = page.getByRole('searchbox', { name: 'Search patients' });
	const misspelt = `Nasreen ${family.slice(0, 3)}${family[4]}${family[3]}${family.slice(5)}`;
	await box.fill(misspelt);
	await expect(page).toHaveURL(new RegExp(`\\?q=${misspelt.replace(' ', '\\+')}$`));
	await expect(page.locator('#patient-results').getByText(ref)).toBeVisible();
	await box.press('ArrowDown');
	await expect(page.locator('#patient-results a').first()).toBeFocused();
	await page.locator('#patient-results a', { hasText: ref }).click();
	await expect(page).toHaveURL(survivorUrl);

	// A PDF is kept and downloads as an attachment; an HTML page renamed .pdf is refused.
	await page.getByLabel('Type of document').selectOption('lab_report');
	await page.getByLabel('File').setInputFiles({ name: 'cbc.pdf', mimeType: 'application/pdf', buffer: PDF });
	await page.getByRole('button', { name: 'Upload', exact: true }).click();
	await expect(page.getByText('Document uploaded.')).toBeVisible();
	const link = page.getByRole('link', { name: 'Download cbc.pdf' });
	await expect(link).toBeVisible();
	const download = await page.request.get((await link.getAttribute('href')) ?? '');
	expect(download.status()).toBe(200);
	expect(download.headers()['content-type']).toBe('application/pdf');
	expect(download.headers()['content-disposition']).toMatch(/^attachment;/);
	expect(download.headers()['x-content-type-options']).toBe('nosniff');
	await page
		.getByLabel('File')
		.setInputFiles({ name: 'letter.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<html><script>alert(1)</script></html>') });
	await page.getByRole('button', { name: 'Upload', exact: true }).click();
	await expect(page.getByText('Only PDF, PNG, JPEG and WebP files can be uploaded.')).toBeVisible();
	await expectAccessible(page);

	// Merge the duplicate: pick it by search, compare side by side, confirm with a reason.
	await page.getByRole('link', { name: 'Merge a duplicate into this record' }).click();
	await page.getByRole('searchbox', { name: 'Search patients' }).fill(phone.slice(-7));
	await page.locator('#patient-results a', { hasText: duplicateRef }).click();
	await expect(page.getByRole('table')).toContainText(duplicateRef);
	await expectAccessible(page);
	await page.getByLabel('Why are these the same person?').fill('Same phone, registered twice');
	await page.getByRole('button', { name: `Merge ${duplicateRef} into ${ref}` }).click();
	await expect(page).toHaveURL(new RegExp(`${survivorUrl}\\?merged=1$`));
	await expect(page.getByRole('status')).toContainText(`${duplicateRef} was merged into this record.`);
	await expect(page.getByRole('region', { name: 'Merge history' })).toContainText(`Merged from ${duplicateRef} (Nasrin ${family}) by ${ADMIN.name}`);
	await expect(page.locator('.ref-block .ref')).toHaveText(ref);
});

const views = [
	['desktop-en', { width: 1280, height: 900 }, 'en'],
	['phone-ur', { width: 390, height: 844 }, 'ur'],
	['phone-en', { width: 390, height: 844 }, 'en'],
	['desktop-ur', { width: 1280, height: 900 }, 'ur']
] as const;

for (const [index, [label, viewport, locale]] of views.entries()) {
	test(`the patient screens fit and pass axe: ${label}`, async ({ browser }) => {
		const dir = process.env.PATIENTS_SCREENSHOTS;
		if (dir) mkdirSync(dir, { recursive: true });
		const context = await browser.newContext({ viewport });
		const page = await context.newPage();
		await signIn(page, ADMIN.email, ADMIN.password);
		await expect(page).toHaveURL(new RegExp(`/${CLINIC.code}$`));
		await registerPatient(page, { name: `Shazia ${capital(word())}`, phone: mobile(), dateOfBirth: `1979-11-0${index + 2}`, allergies: 'Aspirin' });
		// Distinct birth dates: two similar names with one birth date are rightly flagged as a possible duplicate.
		await expect(page).toHaveURL(/\/patients\/[0-9a-f-]{36}/);
		const host = new URL(page.url()).hostname;
		await context.addCookies([{ name: 'PARAGLIDE_LOCALE', value: locale, domain: host, path: '/' }]);
		const detail = page.url().replace(/\?.*$/, '');
		const shots: [string, string][] = [
			[`${label}-detail`, detail],
			[`${label}-list`, `/${CLINIC.code}/patients?q=Shazia`],
			[`${label}-new`, `/${CLINIC.code}/patients/new`],
			[`${label}-merge`, `${detail}/merge?q=Shazia`]
		];
		for (const [name, url] of shots) {
			await page.goto(url);
			await expect(page.locator('html')).toHaveAttribute('lang', locale);
			const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
			expect(overflow, `${name} scrolls sideways`).toBeLessThanOrEqual(0);
			await expectAccessible(page);
			if (dir) await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
		}
		await context.close();
	});
}
