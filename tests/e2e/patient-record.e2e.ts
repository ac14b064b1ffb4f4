import type { Browser, Locator, Page } from '@playwright/test';
import { ADMIN, CLINIC, PASSWORD, expect, expectAccessible, pageFor, rand, test } from './fixtures';
import { addPatient, addStaff } from './calendarHelpers';

/**
 * The patient's clinical record and EMR timeline on the staff patient page: a doctor records a
 * severe allergy and a condition; the desk opens the same record and sees no clinical part; the
 * timeline shows a completed visit and the chart of vitals draws it.
 *
 * The completed visits are made as a doctor makes them, through the visits' API (open, chart,
 * complete, addendum), so the spec runs on PGlite and PostgreSQL alike.
 */

/** With RECORD_SCREENSHOTS=<dir>, keeps pictures of the page for review. */
async function screenshot(page: Page, name: string) {
	const dir = process.env.RECORD_SCREENSHOTS;
	if (dir) await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
}

/** The same for one part of a page (a phone's whole page is too tall to read in one picture). */
async function screenshotOf(part: Locator, name: string) {
	const dir = process.env.RECORD_SCREENSHOTS;
	if (dir) await part.screenshot({ path: `${dir}/${name}.png` });
}

/** A phone-sized browser signed in as the person, in Urdu or English. */
async function phoneFor(browser: Browser, email: string, locale: 'ur' | 'en') {
	const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
	if (locale === 'ur') await context.addCookies([{ name: 'PARAGLIDE_LOCALE', value: 'ur', url: 'http://localhost' }]);
	const phone = await context.newPage();
	await phone.goto('/login');
	await phone.getByLabel(/email|ای میل/i).fill(email);
	await phone.getByLabel(/^(password|پاس ورڈ)$/i).fill(PASSWORD);
	await phone.getByRole('button', { name: /sign in|سائن ان کریں/i }).click();
	await expect(phone).toHaveURL(/\/[A-Z0-9]{3,8}$/);
	return phone;
}

async function doctorPage(browser: Browser, locale?: 'ur') {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const doctor = await addStaff(admin, 'doctor', `Dr Record ${rand()}`);
	const reception = await addStaff(admin, 'reception', `Desk Record ${rand()}`);
	const record = await addPatient(admin, `Saima Record ${rand()}`);
	const page = await pageFor(browser, doctor.email, PASSWORD, locale);
	return { admin, doctor, reception, record, page };
}

test('a doctor records a severe allergy and a condition; the desk sees no clinical record', async ({ browser }) => {
	const { doctor, reception, record, page } = await doctorPage(browser);
	await page.goto(`/${CLINIC.code}/patients/${record.id}`);
	const card = page.getByTestId('clinical-record');
	await expect(card).toContainText('No allergies recorded');

	// Everything wrong at once, each message beside its field.
	await card.getByRole('button', { name: 'Add allergy' }).click();
	await expect(card.locator('#allergy-substance-error')).toBeVisible();
	await expect(card.locator('#allergy-severity-error')).toBeVisible();

	await card.getByLabel('Allergic to').fill('Penicillin');
	await card.getByLabel('Reaction (optional)').fill('Anaphylaxis');
	await card.getByLabel('Severity').selectOption('severe');
	await card.getByRole('button', { name: 'Add allergy' }).click();
	const allergy = card.getByTestId('allergy-list').locator('li').first();
	await expect(allergy).toContainText('Penicillin');
	await expect(allergy).toContainText('Severe');
	await expect(allergy).toContainText('ATC J01C');
	await expect(allergy).toHaveAttribute('data-severity', 'severe');
	await expect(allergy).toContainText(doctor.name);
	await expect(card.getByLabel('Allergic to')).toHaveValue('');
	// The allergy shows at the top of the record too, whatever the registration's free text said.
	await expect(page.getByTestId('allergy-banner')).toHaveText('Penicillin (Severe)');

	await card.getByLabel('Condition', { exact: true }).fill('Type 2 diabetes');
	await card.getByLabel('ICD-10 code (optional)').fill('E11.99');
	await card.getByRole('button', { name: 'Add condition' }).click();
	await expect(card.locator('#condition-code-error')).toContainText('ICD-10');
	await card.getByLabel('ICD-10 code (optional)').fill('e11.9');
	await card.getByLabel('Since (optional)').fill('2019');
	await card.getByRole('button', { name: 'Add condition' }).click();
	await expect(card.getByTestId('condition-list')).toContainText('Type 2 diabetes');
	await expect(card.getByTestId('condition-list')).toContainText('E11.9');

	await card.getByLabel('Blood group', { exact: true }).selectOption('B+');
	await card.getByRole('button', { name: 'Save blood group' }).click();
	await expect(card.getByTestId('blood-group')).toHaveText('B+');
	await expectAccessible(page);
	await screenshot(page, 'record-doctor-en');

	// After a reload (no client state), the record is still there.
	await page.reload();
	await expect(page.getByTestId('allergy-list')).toContainText('Penicillin');

	const phone = await phoneFor(browser, doctor.email, 'ur');
	await phone.goto(`/${CLINIC.code}/patients/${record.id}`);
	const phoneCard = phone.getByTestId('clinical-record');
	await expect(phoneCard).toContainText('شدید');
	await phoneCard.getByRole('button', { name: 'الرجی درج کریں' }).click();
	await expect(phoneCard.locator('#allergy-substance-error')).toBeVisible();
	expect(await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
	await screenshotOf(phoneCard, 'record-card-ur-phone');

	const desk = await pageFor(browser, reception.email, PASSWORD);
	await desk.goto(`/${CLINIC.code}/patients/${record.id}`);
	await expect(desk.getByRole('heading', { name: record.name })).toBeVisible();
	await expect(desk.getByTestId('clinical-record')).toHaveCount(0);
	await expect(desk.getByTestId('timeline')).toHaveCount(0);
	await expect(desk.getByTestId('vitals-chart')).toHaveCount(0);
	expect((await desk.request.get(`/api/v1/clinics/${CLINIC.code}/patients/${record.id}/allergies`)).status()).toBe(403);
});

test('the timeline shows a completed visit, the vitals chart draws it, and the visit summary prints it', async ({ browser }) => {
	const { doctor, record, page } = await doctorPage(browser);
	// Three visits seen and completed through the visits' API, as the chart screen does it.
	const api = `/api/v1/clinics/${CLINIC.code}`;
	const consult = async (chart: Record<string, unknown>, addendum?: { text: string; reason: string }) => {
		const opened = await page.request.post(`${api}/visits`, { data: { patientId: record.id, idempotencyKey: `open-${rand()}${rand()}` } });
		expect(opened.status(), await opened.text()).toBe(201);
		const { id } = (await opened.json()) as { id: string };
		const patched = await page.request.patch(`${api}/visits/${id}/chart`, { data: chart });
		expect(patched.status(), await patched.text()).toBe(200);
		const done = await page.request.post(`${api}/visits/${id}/complete`, { data: { idempotencyKey: `done-${rand()}${rand()}` } });
		expect(done.status(), await done.text()).toBe(200);
		if (addendum) {
			const added = await page.request.post(`${api}/visits/${id}/addenda`, { data: { ...addendum, idempotencyKey: `add-${rand()}${rand()}` } });
			expect(added.status(), await added.text()).toBe(201);
		}
	};
	await consult({
		complaint: 'Headache',
		vitals: { systolic: 152, diastolic: 96, pulse: 90, weightKg: 84, glucose: 145 },
		diagnoses: [{ code: 'I10', title: 'Essential (primary) hypertension' }]
	});
	await consult({
		complaint: 'Blood pressure check',
		vitals: { systolic: 140, diastolic: 90, pulse: 82, weightKg: 82.5, glucose: 128 },
		diagnoses: [{ code: 'I10', title: 'Essential (primary) hypertension' }]
	});
	await consult(
		{
			complaint: 'Follow-up of blood pressure',
			complaintDuration: '2 months',
			plan: 'Continue amlodipine 5 mg daily',
			advice: 'Less salt; walk 30 minutes a day',
			vitals: { systolic: 128, diastolic: 82, pulse: 74, temperature: 36.9, weightKg: 80.5, heightCm: 170, glucose: 104 },
			glucoseKind: 'fasting',
			diagnoses: [
				{ code: 'I10', title: 'Essential (primary) hypertension' },
				{ code: 'E11.9', title: 'Type 2 diabetes mellitus without complications' }
			],
			notes: {
				symptoms: 'Headaches less often',
				observations: 'Looks well; heart sounds normal',
				diagnosis: 'Hypertension controlled',
				treatment: 'Amlodipine'
			}
		},
		{ text: 'HbA1c 6.1% arrived from the lab', reason: 'Lab result' }
	);

	await page.goto(`/${CLINIC.code}/patients/${record.id}`);
	const timeline = page.getByTestId('timeline');
	const visits = timeline.getByTestId('timeline-visit');
	await expect(visits).toHaveCount(3);
	await expect(visits.first()).toContainText('Follow-up of blood pressure');
	await expect(visits.first()).toContainText('E11.9');
	await expect(visits.first()).toContainText('128/82 mmHg');
	// Filtering by kind: the visits alone, then the documents (none).
	await timeline.getByRole('button', { name: 'Documents' }).click();
	await expect(visits).toHaveCount(0);
	await timeline.getByRole('button', { name: 'Visits' }).click();
	await expect(visits).toHaveCount(3);

	const chart = page.getByTestId('vitals-chart');
	for (const id of ['bp', 'pulse', 'weight', 'glucose']) await expect(chart.locator(`[data-chart=${id}] svg path.lc-path`).first()).toBeVisible();
	await expect(chart.locator('[data-chart=bp] svg path.lc-path')).toHaveCount(2);
	await screenshot(page, 'timeline-doctor-en');

	await visits.first().getByRole('link', { name: 'Visit summary' }).click();
	const summary = page.getByTestId('visit-summary');
	await expect(summary).toContainText(record.name);
	await expect(summary).toContainText(doctor.name);
	await expect(summary).toContainText('Continue amlodipine 5 mg daily');
	await expect(summary).toContainText('HbA1c 6.1% arrived from the lab');
	await expect(summary.getByTestId('summary-vitals')).toContainText('128/82 mmHg');
	await expectAccessible(page);
	await screenshot(page, 'summary-en');
	await page.emulateMedia({ media: 'print' });
	await expect(page.getByRole('button', { name: 'Print' })).toBeHidden();
	await screenshot(page, 'summary-print-en');
	await page.emulateMedia({ media: 'screen' });

	// In Urdu, on a phone.
	const phone = await phoneFor(browser, doctor.email, 'ur');
	await phone.goto(`/${CLINIC.code}/patients/${record.id}`);
	await expect(phone.getByTestId('timeline').getByTestId('timeline-visit')).toHaveCount(3);
	await expect(phone.getByTestId('vitals-chart').locator('svg path.lc-path').first()).toBeVisible();
	await expect(phone.getByTestId('clinical-record')).toContainText('طبی ریکارڈ');
	const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(overflow).toBeLessThanOrEqual(0);
	await screenshotOf(phone.getByTestId('vitals-chart'), 'chart-ur-phone');
	await screenshotOf(phone.getByTestId('timeline'), 'timeline-ur-phone');
	await phone.getByTestId('timeline-visit').first().getByRole('link').click();
	await expect(phone.getByTestId('visit-summary')).toContainText('لائحہ عمل');
	await screenshot(phone, 'summary-ur-phone');

	const laptopUr = await pageFor(browser, doctor.email, PASSWORD, 'ur');
	await laptopUr.goto(`/${CLINIC.code}/patients/${record.id}`);
	await expect(laptopUr.getByTestId('vitals-chart').locator('svg path.lc-path').first()).toBeVisible();
	await screenshot(laptopUr, 'record-doctor-ur');
	const phoneEnPage = await phoneFor(browser, doctor.email, 'en');
	await phoneEnPage.goto(`/${CLINIC.code}/patients/${record.id}`);
	await expect(phoneEnPage.getByTestId('vitals-chart').locator('svg path.lc-path').first()).toBeVisible();
	await screenshotOf(phoneEnPage.getByTestId('vitals-chart'), 'chart-en-phone');
	await screenshotOf(phoneEnPage.getByTestId('timeline'), 'timeline-en-phone');
});
