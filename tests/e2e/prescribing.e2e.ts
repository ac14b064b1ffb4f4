import { writeFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { ADMIN, CLINIC, expect, pageFor, PASSWORD, rand, test } from './fixtures';

const api = () => `/api/v1/clinics/${CLINIC.code}`;

/** With RX_SCREENSHOTS=<dir>, keeps the screens for review. */
async function keep(page: Page, name: string) {
	const dir = process.env.RX_SCREENSHOTS;
	if (!dir) return;
	await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
}

test('a doctor prescribes amoxicillin to a patient allergic to penicillin: the warning shows, is overridden with a reason and the prescription is saved and printed', async ({
	browser
}) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const doctor = { name: `Dr Sana ${rand()}`, email: `rx-doc-${rand()}@clinic.test`, role: 'doctor' };
	const res = await admin.request.post(`${api()}/members`, { data: { ...doctor, password: PASSWORD } });
	expect(res.status(), await res.text()).toBe(201);
	const doctorId = ((await res.json()) as { userId?: string; id?: string }).userId ?? '';
	const registered = await admin.request.post(`${api()}/patients`, { data: { name: `Bilal Ahmed ${rand()}`, allowDuplicate: true } });
	expect(registered.status()).toBe(201);
	const patient = (await registered.json()) as { id: string; name: string };

	// The visit is opened as the doctor calls the patient's token, as in the clinic.
	const page = await pageFor(browser, doctor.email, PASSWORD);
	// The allergy goes on the record by a clinician (the desk and admins may not write it), written as a class.
	const allergy = await page.request.post(`${api()}/patients/${patient.id}/allergies`, {
		data: { substance: 'Penicillin', reaction: 'Hives', severity: 'severe', idempotencyKey: `allergy-${rand()}` }
	});
	expect(allergy.status(), await allergy.text()).toBe(201);
	const checkIn = await admin.request.post(`${api()}/queue/check-in`, { data: { patientId: patient.id, doctorId, idempotencyKey: `in-${rand()}` } });
	expect(checkIn.status(), await checkIn.text()).toBe(201);
	const called = await page.request.post(`${api()}/queue/next`, { data: { doctorId, idempotencyKey: `next-${rand()}` } });
	expect(called.status(), await called.text()).toBe(200);
	const visitId = ((await called.json()) as { visitId: string }).visitId;

	await page.goto(`/${CLINIC.code}/visits/${visitId}/prescription`);
	await expect(page.getByTestId('rx-patient')).toHaveText(patient.name);
	await expect(page.getByTestId('rx-allergies')).toContainText('Penicillin');
	await page.getByLabel('Add a medicine').pressSequentially('amoxicillin', { delay: 20 });
	const results = page.getByTestId('medicine-result');
	await expect(results.first()).toContainText('amoxicillin');
	await results.filter({ hasText: 'tablet · 500 mg' }).first().click();
	const line = page.getByTestId('prescription-line');
	await expect(line).toHaveCount(1);
	// The first template fills the line; the quantity is worked out as the doctor types.
	await line.getByLabel('Frequency').fill('1+1+1');
	await line.getByLabel('Days').fill('5');
	await expect(line.getByTestId('quantity-hint')).toContainText('15');
	await keep(page, 'rx-laptop-en-line');

	await page.getByRole('button', { name: 'Save prescription' }).click();
	const warning = page.getByTestId('warning');
	await expect(warning).toHaveAttribute('data-kind', 'allergy');
	await expect(warning).toContainText('Penicillin');
	await keep(page, 'rx-laptop-en-warning');
	await warning.getByLabel('Reason to override').fill('Took amoxicillin in 2024 without reaction; rash was to another drug');
	await page.getByRole('button', { name: 'Override and save' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'Prescription saved.' })).toBeVisible();
	await expect(warning).toContainText('Overridden: Took amoxicillin in 2024');
	await keep(page, 'rx-laptop-en-saved');

	// The API says the same: saved lines with the Urdu instructions and the kept override.
	const saved = (await (await page.request.get(`${api()}/visits/${visitId}/prescription`)).json()) as {
		lines: { quantity: number; instructionsUr: string }[];
		warnings: { kind: string; override: { reason: string } | null }[];
	};
	expect(saved.lines[0]).toMatchObject({ quantity: 15, instructionsUr: 'صبح 1 گولی، دوپہر 1 گولی، رات 1 گولی، 5 دن تک' });
	expect(saved.warnings[0].override?.reason).toContain('amoxicillin in 2024');

	await page.setViewportSize({ width: 390, height: 844 });
	await page.reload();
	await expect(page.getByTestId('prescription-line')).toHaveCount(1);
	await keep(page, 'rx-phone-en');

	// In Urdu, laptop and phone.
	const urdu = await pageFor(browser, doctor.email, PASSWORD, 'ur');
	await urdu.goto(`/${CLINIC.code}/visits/${visitId}/prescription`);
	await expect(urdu.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(urdu.getByRole('heading', { name: 'نسخہ' })).toBeVisible();
	await expect(urdu.getByTestId('warning')).toContainText('نظرانداز کیا گیا');
	await keep(urdu, 'rx-laptop-ur');
	await urdu.setViewportSize({ width: 390, height: 844 });
	await keep(urdu, 'rx-phone-ur');

	// The printed prescription: QR of the visit reference, Urdu instructions right to left.
	await urdu.goto(`/${CLINIC.code}/visits/${visitId}/prescription/print`);
	const printed = urdu.getByTestId('prescription-print');
	await expect(printed.locator('svg')).toBeVisible();
	await expect(printed.getByTestId('print-line').first().locator('p.ur')).toHaveAttribute('dir', 'rtl');
	await urdu.setViewportSize({ width: 1280, height: 900 });
	await keep(urdu, 'rx-print-a5-ur');
	await page.goto(`/${CLINIC.code}/visits/${visitId}/prescription/print?paper=a4`);
	await page.setViewportSize({ width: 1280, height: 900 });
	await expect(page.getByTestId('prescription-print')).toContainText(patient.name);
	await keep(page, 'rx-print-a4-en');

	// The PDF download, with Urdu labels for an Urdu reader.
	const pdf = await urdu.request.get(`${api()}/visits/${visitId}/prescription.pdf`);
	expect(pdf.status()).toBe(200);
	expect(pdf.headers()['content-type']).toBe('application/pdf');
	const bytes = await pdf.body();
	expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
	if (process.env.RX_SCREENSHOTS) writeFileSync(`${process.env.RX_SCREENSHOTS}/rx-ur.pdf`, bytes);
});
