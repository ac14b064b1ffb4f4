import type { Page } from '@playwright/test';
import { ADMIN, CLINIC, PASSWORD, expect, expectAccessible, pageFor, rand, test } from './fixtures';
import { addPatient, addStaff } from './calendarHelpers';

/** With REFERRAL_SCREENSHOTS=<dir>, keeps a picture of the page for review. */
async function screenshot(page: Page, name: string) {
	const dir = process.env.REFERRAL_SCREENSHOTS;
	if (dir) await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
}

test('a doctor refers a patient to a colleague, who sees it arrive without reloading and accepts it', async ({ browser }) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const sender = await addStaff(admin, 'doctor', `Dr Sender ${rand()}`);
	const receiver = await addStaff(admin, 'doctor', `Dr Receiver ${rand()}`);
	const record = await addPatient(admin, `Referred Patient ${rand()}`);

	const theirs = await pageFor(browser, receiver.email, PASSWORD);
	await theirs.goto(`/${CLINIC.code}/referrals`);
	await expect(theirs.getByTestId('referrals-none')).toBeVisible();
	await expect(theirs.locator('[data-state="live"]')).toBeVisible();

	const mine = await pageFor(browser, sender.email, PASSWORD);
	await mine.goto(`/${CLINIC.code}/referrals?patient=${record.id}`);
	await expect(mine.getByRole('heading', { name: 'Refer a patient' })).toBeVisible();
	// Nothing chosen: every problem is named beside its field at once.
	await mine.getByLabel('To doctor').selectOption({ label: receiver.name });
	await mine.getByRole('button', { name: 'Send the referral' }).click();
	await expect(mine.locator('#refer-note')).toHaveAttribute('aria-invalid', 'true');
	await mine.getByLabel('To doctor').selectOption({ label: receiver.name });
	await mine.getByLabel('Note for the doctor').fill('Chest pain on exertion; please assess');
	await mine.getByLabel('Kind of discount').selectOption('percent');
	await mine.getByRole('textbox', { name: 'Percentage' }).fill('15');
	await mine.getByRole('button', { name: 'Send the referral' }).click();
	await expect(mine.locator('.alert-success')).toContainText(/Referral .*-R\d+ sent/);
	await expect(mine.getByTestId('referral-sent').first()).toContainText(record.name);

	// The receiving doctor's page shows it arrive, live.
	const arrived = theirs.getByTestId('referral-incoming');
	await expect(arrived).toHaveCount(1);
	await expect(arrived).toContainText(record.name);
	await expect(arrived).toContainText('Chest pain on exertion');
	await expect(arrived).toContainText('15% off');
	await expectAccessible(theirs);
	await screenshot(theirs, 'incoming-en');
	await arrived.getByRole('button', { name: `Accept the referral of ${record.name}` }).click();
	await expect(arrived).toContainText('Accepted');
	await expect(arrived.getByRole('link', { name: 'Book an appointment' })).toHaveAttribute('href', new RegExp(`patient=${record.id}`));

	await mine.reload();
	await expect(mine.getByTestId('referral-sent').first()).toContainText('Accepted');
	await screenshot(mine, 'sent-en');
	await Promise.all([admin, theirs, mine].map((p) => p.context().close()));
});

test('the referrals page reads right to left in Urdu on a phone, and the desk has no way in', async ({ browser }) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const doctor = await addStaff(admin, 'doctor', `Dr Urdu ${rand()}`);
	await addStaff(admin, 'doctor', `Dr Other ${rand()}`);
	const desk = await addStaff(admin, 'reception', `Desk ${rand()}`);
	const page = await pageFor(browser, doctor.email, PASSWORD, 'ur');
	await page.setViewportSize({ width: 390, height: 844 });
	await page.goto(`/${CLINIC.code}/referrals`);
	await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(page.getByRole('heading', { name: 'مریض ریفر کریں' })).toBeVisible();
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(overflow).toBeLessThanOrEqual(1);
	await screenshot(page, 'phone-ur');

	const deskPage = await pageFor(browser, desk.email, PASSWORD);
	await expect(deskPage.getByRole('link', { name: 'Referrals' })).toHaveCount(0);
	const response = await deskPage.goto(`/${CLINIC.code}/referrals`);
	expect(response?.status()).toBe(403);
	await Promise.all([admin, page, deskPage].map((p) => p.context().close()));
});
