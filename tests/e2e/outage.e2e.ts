import type { Page } from '@playwright/test';
import { ADMIN, CLINIC, expect, pageFor, test } from './fixtures';

/** Every request from this page fails as if the server were down, until `end()`. */
async function outage(page: Page) {
	const refuse = (route: import('@playwright/test').Route) => route.abort('connectionrefused');
	await page.route('**/*', refuse);
	return { end: () => page.unroute('**/*', refuse) };
}

test('a page that could not reach the server during an outage says so and comes back by itself, in English and Urdu', async ({ browser }) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);

	// A navigation during the outage: "reconnecting", then the page asked for, without a reload by hand.
	await admin.goto(`/${CLINIC.code}/queue`);
	let down = await outage(admin);
	await admin.getByRole('link', { name: 'Calendar' }).first().click();
	await expect(admin.getByTestId('reconnecting')).toBeVisible();
	await down.end();
	await expect(admin).toHaveURL(new RegExp(`/${CLINIC.code}/calendar$`));
	await expect(admin.getByRole('heading', { level: 1, name: 'Calendar' })).toBeVisible({ timeout: 15_000 });

	// A form sent during the outage: the queue page comes back, not "Something went wrong" for good.
	await admin.goto(`/${CLINIC.code}/queue`);
	down = await outage(admin);
	await admin.getByRole('button', { name: 'Save' }).first().click();
	await expect(admin.getByTestId('reconnecting')).toBeVisible();
	await down.end();
	await expect(admin.getByRole('heading', { level: 1, name: 'Today’s queue' })).toBeVisible({ timeout: 15_000 });

	// The same in Urdu.
	const urdu = await pageFor(browser, ADMIN.email, ADMIN.password, 'ur');
	await urdu.goto(`/${CLINIC.code}/queue`);
	down = await outage(urdu);
	await urdu.locator('nav a[href$="/calendar"]').first().click();
	await expect(urdu.getByTestId('reconnecting')).toContainText('رابطہ');
	await down.end();
	await expect(urdu).toHaveURL(new RegExp(`/${CLINIC.code}/calendar$`));
	await expect(urdu.getByTestId('reconnecting')).toHaveCount(0, { timeout: 15_000 });
});
