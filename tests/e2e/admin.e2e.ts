import type { Page } from '@playwright/test';
import { ADMIN, CLINIC, expect, expectAccessible, rand, signIn, test } from './fixtures';

async function signOut(page: Page) {
	await page.getByRole('button', { name: /sign out|سائن آؤٹ/i }).click();
	await expect(page).toHaveURL(/\/login/);
}

async function signInAsAdmin(page: Page) {
	await signIn(page, ADMIN.email, ADMIN.password);
	await expect(page).toHaveURL(/\/[A-Z0-9]{3,8}$/);
}

test.describe('clinic administration', () => {
	test('an admin adds a doctor, who then signs in and keeps their own profile', async ({ page }) => {
		const doctor = { name: `Dr. Sana ${rand()}`, email: `doctor-${rand()}@clinic.test`, password: 'doctor password 1' };
		await signInAsAdmin(page);
		await page.goto(`/${CLINIC.code}/admin/members`);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Staff');
		await expect(page.getByRole('link', { name: ADMIN.name })).toBeVisible();
		await expectAccessible(page);

		await page.getByLabel('Full name').fill(doctor.name);
		await page.getByLabel('Email').fill(doctor.email);
		await page.getByLabel('Role').selectOption('doctor');
		await page.getByLabel('Initial password').fill(doctor.password);
		await page.getByRole('button', { name: 'Add to staff' }).click();
		await expect(page.getByRole('status')).toHaveText(`${doctor.name} was added as Doctor.`);
		const row = page.getByRole('row', { name: new RegExp(doctor.name) });
		await expect(row).toContainText('Doctor');
		await expect(row).toContainText('Active');

		// The same email again is refused, next to the email field, and the form keeps what was typed.
		await page.getByLabel('Full name').fill(doctor.name);
		await page.getByLabel('Email').fill(doctor.email.toUpperCase());
		await page.getByRole('button', { name: 'Add to staff' }).click();
		await expect(page.getByText('That person is already a member of this clinic.')).toBeVisible();
		await expect(page.getByLabel('Full name')).toHaveValue(doctor.name);

		await row.getByRole('link', { name: doctor.name }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(doctor.name);
		await expectAccessible(page);
		await page.getByLabel('Specialization').fill('Family medicine');
		await page.getByLabel(/^Consultation fee/).fill('-5');
		await page.getByRole('button', { name: 'Save' }).click();
		await expect(page.getByText(/Write the amount in digits/)).toBeVisible();
		await page.getByLabel(/^Consultation fee/).fill('1500');
		await page.getByRole('button', { name: 'Save' }).click();
		await expect(page.getByRole('status')).toHaveText('Doctor profile saved.');
		await signOut(page);

		await signIn(page, doctor.email, doctor.password);
		await expect(page).toHaveURL(new RegExp(`/${CLINIC.code}$`));
		await expect(page.getByRole('heading', { level: 1 })).toContainText(CLINIC.name);
		await page.getByRole('link', { name: 'My doctor profile' }).click();
		await expect(page).toHaveURL(new RegExp(`/${CLINIC.code}/profile$`));
		await expect(page.getByLabel('Specialization')).toHaveValue('Family medicine');
		// Rupees have two decimals (ISO 4217), whatever the running Node's ICU says about PKR.
		await expect(page.getByLabel(/^Consultation fee/)).toHaveValue('1500.00');
		await expectAccessible(page);
		await page.getByLabel('Registration number').fill('PMDC-12345-P');
		await page.getByLabel('Private: only staff see this doctor').check();
		await page.getByRole('button', { name: 'Save' }).click();
		await expect(page.getByRole('status')).toHaveText('Doctor profile saved.');
		await page.reload();
		await expect(page.getByLabel('Registration number')).toHaveValue('PMDC-12345-P');
		await expect(page.getByLabel('Private: only staff see this doctor')).toBeChecked();

		// A doctor sees the staff list but cannot change it, and admin pages answer 403.
		await page.goto(`/${CLINIC.code}/admin/members`);
		await expect(page.getByText('Only a clinic admin can add or change staff.')).toBeVisible();
		await expect(page.getByRole('button', { name: 'Add to staff' })).toHaveCount(0);
		const settings = await page.goto(`/${CLINIC.code}/admin/settings`);
		expect(settings?.status()).toBe(403);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('No access');
		await expectAccessible(page);
		const branch = await page.goto('/clinics/new');
		expect(branch?.status()).toBe(403);

		// Posting the admin form directly is refused too, and adds no one.
		const intruder = `intruder-${rand()}@clinic.test`;
		const posted = await page.request.post(`/${CLINIC.code}/admin/members?/add`, {
			headers: { origin: new URL(page.url()).origin, 'x-sveltekit-action': 'true' },
			form: { name: 'Intruder', email: intruder, role: 'admin', password: 'intruder password' }
		});
		const body = await posted.json();
		expect([body.type, body.status]).toEqual(['failure', 403]);
		await page.goto(`/${CLINIC.code}/admin/members`);
		await expect(page.getByText(intruder)).toHaveCount(0);
	});

	test('an admin creates a branch, brands it, and switches between clinics', async ({ page }) => {
		const code = `B${rand().toUpperCase()}`.slice(0, 7);
		const name = `Shifa Branch ${code}`;
		await signInAsAdmin(page);
		await page.goto(`/${CLINIC.code}`);
		await page.getByRole('link', { name: 'New branch' }).click();
		await expect(page).toHaveURL(/\/clinics\/new$/);
		await expectAccessible(page);

		// A taken code is refused with a translated message and nothing typed is lost.
		await page.getByLabel('Clinic name').fill(name);
		await page.getByLabel('Short code').fill(CLINIC.code);
		await page.getByLabel('City').fill('Lahore');
		await page.getByRole('button', { name: 'Create branch' }).click();
		await expect(page.getByText('That clinic code is already in use.')).toBeVisible();
		await expect(page.getByLabel('Clinic name')).toHaveValue(name);

		await page.getByLabel('Short code').fill(code.toLowerCase());
		await page.getByRole('button', { name: 'Create branch' }).click();
		await expect(page).toHaveURL(new RegExp(`/${code}$`));
		await expect(page.getByRole('heading', { level: 1 })).toContainText(name);

		// The switcher lists both clinics and leads back to the first.
		const switcher = page.locator('details.clinic-switch');
		await switcher.locator('summary').click();
		await expect(switcher.getByRole('link', { name: new RegExp(CLINIC.name) })).toBeVisible();
		await expect(switcher.getByRole('link', { name: new RegExp(name) })).toHaveAttribute('aria-current', 'true');
		await switcher.getByRole('link', { name: new RegExp(CLINIC.name) }).click();
		await expect(page).toHaveURL(new RegExp(`/${CLINIC.code}$`));
		await expect(page.getByRole('heading', { level: 1 })).toContainText(CLINIC.name);

		// The admin is the branch's only admin, so they cannot suspend themselves or step down.
		await page.goto(`/${code}/admin/members`);
		await page.getByRole('link', { name: ADMIN.name }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(ADMIN.name);
		await page.getByRole('button', { name: 'Suspend' }).click();
		await expect(page.getByRole('alert')).toHaveText('A clinic needs at least one active admin.');
		await page.getByRole('combobox', { name: 'Role' }).selectOption('reception');
		await page.getByRole('button', { name: 'Change role' }).click();
		await expect(page.getByRole('alert')).toHaveText('A clinic needs at least one active admin.');
		await page.reload();
		await expect(page.getByRole('combobox', { name: 'Role' })).toHaveValue('admin');

		// Branding the branch colours its app bar; the first clinic keeps its own.
		await page.goto(`/${code}/admin/settings`);
		await expectAccessible(page);
		await expect(page.locator('#main').getByText(code, { exact: true })).toBeVisible();
		await page.locator('input[type=color]').fill('#aa3377');
		await page.getByLabel('Tagline').fill('Care close to home');
		// Billing: the tax number invoices print, and a fiscal year from July (as in Pakistan).
		await page.getByLabel('Tax registration number').fill('NTN 1234567-8');
		await page.getByLabel('The fiscal year starts in').selectOption({ label: 'July' });
		await page.getByRole('button', { name: 'Save' }).click();
		await expect(page.getByRole('status')).toHaveText('Settings saved.');
		await page.reload();
		await expect(page.locator('nav a[aria-current="page"]')).toHaveCSS('border-left-color', 'rgb(170, 51, 119)');
		await expect(page.getByLabel('Tagline')).toHaveValue('Care close to home');
		await expect(page.getByLabel('Tax registration number')).toHaveValue('NTN 1234567-8');
		await expect(page.getByLabel('The fiscal year starts in')).toHaveValue('7');

		// Requiring 2FA without having it oneself is refused, so the admin is not locked out.
		await page.getByLabel('Require two-factor authentication for all staff').check();
		await page.getByRole('button', { name: 'Save' }).click();
		await expect(page.getByText(/Turn on two-factor authentication for your own account first/)).toBeVisible();
		await page.goto(`/${code}`);
		await expect(page).toHaveURL(new RegExp(`/${code}$`));

		await page.goto(`/${CLINIC.code}`);
		await expect(page.locator('nav a[aria-current="page"]')).not.toHaveCSS('border-left-color', 'rgb(170, 51, 119)');
	});

	test('another clinic answers 404 and an unknown member 404', async ({ page }) => {
		await signInAsAdmin(page);
		const other = await page.goto('/ZZ404/admin/members');
		expect(other?.status()).toBe(404);
		const member = await page.goto(`/${CLINIC.code}/admin/members/not-a-uuid`);
		expect(member?.status()).toBe(404);
		const missing = await page.goto(`/${CLINIC.code}/admin/members/00000000-0000-4000-8000-000000000000`);
		expect(missing?.status()).toBe(404);
	});

	test('the staff list reads well in Urdu on a phone', async ({ browser, baseURL }) => {
		const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
		await context.addCookies([{ name: 'PARAGLIDE_LOCALE', value: 'ur', url: baseURL ?? 'http://localhost' }]);
		const page = await context.newPage();
		await signInAsAdmin(page);
		await page.goto(`/${CLINIC.code}/admin/members`);
		await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('عملہ');
		await expect(page.getByRole('heading', { name: 'عملے کا رکن شامل کریں' })).toBeVisible();
		// Each person is a card: no header row, no sideways scrolling.
		await expect(page.locator('table.members thead th').first()).not.toBeInViewport();
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
		expect(overflow).toBeLessThanOrEqual(0);
		await expectAccessible(page);
		await page.screenshot({ path: test.info().outputPath('members-ur-phone.png'), fullPage: true });

		// A field error comes back in Urdu too.
		await page.getByLabel('پورا نام').fill('نیا رکن');
		await page.getByLabel('ای میل').fill(ADMIN.email);
		await page.getByRole('button', { name: 'عملے میں شامل کریں' }).click();
		await expect(page.getByText('یہ شخص پہلے ہی اس کلینک کا رکن ہے۔')).toBeVisible();
		await context.close();
	});
});
