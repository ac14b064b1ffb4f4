import { expect, expectAccessible, test } from './fixtures';

test.describe('language', () => {
	test('switches the whole UI to Urdu, right to left in a Nastaliq font, and remembers it', async ({ page }) => {
		await page.goto('/login');
		await expect(page.locator('html')).toHaveAttribute('lang', 'en');
		await page.getByRole('button', { name: 'Switch the language to Urdu' }).click();

		const html = page.locator('html');
		await expect(html).toHaveAttribute('lang', 'ur');
		await expect(html).toHaveAttribute('dir', 'rtl');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('سائن ان');
		const font = await page.locator('h1').evaluate((el) => getComputedStyle(el).fontFamily);
		expect(font).toContain('Noto Nastaliq Urdu');
		// The heading sits at the right-hand edge of its card in RTL.
		const box = await page.locator('h1').boundingBox();
		const card = await page.locator('.card').first().boundingBox();
		expect(box && card && box.x + box.width).toBeGreaterThan((card?.x ?? 0) + (card?.width ?? 0) - 40);
		await expectAccessible(page);

		await page.reload();
		await expect(html).toHaveAttribute('lang', 'ur');

		await page.getByRole('button', { name: 'زبان انگریزی میں تبدیل کریں' }).click();
		await expect(html).toHaveAttribute('lang', 'en');
		await expect(html).toHaveAttribute('dir', 'ltr');
	});

	test('Urdu fits a phone-sized screen without sideways scrolling', async ({ browser }) => {
		const context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2 });
		const page = await context.newPage();
		await page.goto('/login');
		await page.getByRole('button', { name: 'Switch the language to Urdu' }).click();
		await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
		expect(overflow).toBeLessThanOrEqual(0);
		await expect(page.getByRole('button', { name: 'سائن ان کریں' })).toBeVisible();
		await context.close();
	});

	test('a wrong password is reported in the chosen language', async ({ page }) => {
		await page.goto('/login');
		await page.getByRole('button', { name: 'Switch the language to Urdu' }).click();
		await page.getByLabel('ای میل').fill('nobody@example.test');
		await page.getByLabel('پاس ورڈ').fill('wrong password here');
		await page.getByRole('button', { name: 'سائن ان کریں' }).click();
		await expect(page.getByRole('alert')).toHaveText('ای میل یا پاس ورڈ غلط ہے۔');
	});
});
