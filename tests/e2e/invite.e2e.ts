import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { ADMIN, CLINIC, expect, expectAccessible, rand, signIn, test } from './fixtures';

type Mail = { to: string[]; subject: string; text: string };

/** The newest message the run's mail server received for `address` (tests/e2e/mailbox.mjs). */
async function inbox(address: string): Promise<Mail> {
	const dir = process.env.E2E_MAIL_DIR!;
	let found: Mail | undefined;
	await expect
		.poll(
			() => {
				const mails = readdirSync(dir)
					.sort()
					.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Mail);
				found = mails.filter((m) => m.to.includes(address)).at(-1);
				return Boolean(found);
			},
			{ timeout: 30_000 }
		)
		.toBe(true);
	return found!;
}

async function freshPage(browser: Browser, locale?: 'ur'): Promise<Page> {
	const context = await browser.newContext();
	if (locale) await context.addCookies([{ name: 'PARAGLIDE_LOCALE', value: locale, url: 'http://localhost' }]);
	return context.newPage();
}

test('an admin invites a doctor by email; the doctor chooses a password from the link and is signed in; the link works once', async ({ page, browser }) => {
	const doctor = { name: `Dr Imran ${rand()}`, email: `imran-${rand()}@clinic.test` };
	await signIn(page, ADMIN.email, ADMIN.password);
	await expect(page).toHaveURL(/\/[A-Z0-9]{3,8}$/);
	await page.goto(`/${CLINIC.code}/admin/members`);
	await page.getByLabel('Full name').fill(doctor.name);
	await page.getByLabel('Email').fill(doctor.email);
	await page.getByLabel('Role').selectOption('doctor');
	await page.getByRole('button', { name: 'Add to staff' }).click();
	await expect(page.getByRole('status')).toHaveText(`${doctor.name} was added as Doctor and emailed a link to choose their password.`);
	await expect(page.getByRole('row', { name: new RegExp(doctor.name) })).toContainText('Invitation sent');

	const mail = await inbox(doctor.email);
	expect(mail.subject).toContain(CLINIC.name);
	const link = /https?:\/\/\S+\/invite\/[A-Za-z0-9_-]+/.exec(mail.text)?.[0];
	expect(link, mail.text).toBeTruthy();

	// In Urdu, two different passwords are refused beside the second box.
	const invited = await freshPage(browser, 'ur');
	await invited.goto(new URL(link!).pathname);
	await expect(invited.getByRole('heading', { level: 1 })).toHaveText('اپنے کلینک میں شامل ہوں');
	await expect(invited.getByText(doctor.email)).toBeVisible();
	await expectAccessible(invited);
	await invited.getByLabel('پاس ورڈ منتخب کریں').fill('a good long password');
	await invited.getByLabel('دوبارہ لکھیں').fill('a different password');
	await invited.getByRole('button', { name: 'میرا پاس ورڈ بنائیں اور سائن ان کریں' }).click();
	await expect(invited.getByText('دونوں پاس ورڈ ایک جیسے نہیں۔ دونوں خانوں میں ایک ہی پاس ورڈ لکھیں۔')).toBeVisible();
	if (process.env.HOME_SCREENSHOTS) await invited.screenshot({ path: `${process.env.HOME_SCREENSHOTS}/invite-ur.png`, fullPage: true });
	await invited.getByLabel('پاس ورڈ منتخب کریں').fill('a good long password');
	await invited.getByLabel('دوبارہ لکھیں').fill('a good long password');
	await invited.getByRole('button', { name: 'میرا پاس ورڈ بنائیں اور سائن ان کریں' }).click();
	await expect(invited).toHaveURL(new RegExp(`/${CLINIC.code}$`));
	await expect(invited.getByTestId('home-doctor')).toBeVisible();

	// The link is used up; the password works at the sign-in page.
	const again = await freshPage(browser);
	await again.goto(new URL(link!).pathname);
	await expect(again.getByTestId('invite-refused')).toContainText('already been used');
	await signIn(again, doctor.email, 'a good long password');
	await expect(again).toHaveURL(new RegExp(`/${CLINIC.code}$`));

	await page.reload();
	await expect(page.getByRole('row', { name: new RegExp(doctor.name) })).not.toContainText('Invitation sent');
	for (const p of [invited, again]) await p.context().close();
});
