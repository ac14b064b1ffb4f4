import { ADMIN, CLINIC, PASSWORD, expect, expectAccessible, pageFor, rand, test } from './fixtures';
import { addPatient, addStaff } from './calendarHelpers';
import { call, inDays, screenshot } from './pharmacyHelpers';

/**
 * Those outside the pharmacy learn where a prescription is: the patient's phone (linked to their
 * record) says their medicines are being prepared, then ready, live, as a pharmacist dispenses
 * through the API; the desk sees the status on the patient's page, never the medicines.
 */

test("the patient's phone is told their medicines are ready, live; the desk sees the status only", async ({ browser }) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const doctor = await addStaff(admin, 'doctor', `Dr Phone ${rand()}`);
	const pharmacist = await addStaff(admin, 'pharmacist', `Pharmacist Sana ${rand()}`);
	const desk = await addStaff(admin, 'reception', `Desk Phone ${rand()}`);
	const person = { name: `Hina Medicines ${rand()}`, email: `hina-${rand()}@example.test`, password: 'patient password 1' };
	const record = await addPatient(admin, person.name);

	// The patient signs up on their phone (in Urdu) and links it with the desk's code.
	const phoneContext = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
	await phoneContext.addCookies([{ name: 'PARAGLIDE_LOCALE', value: 'ur', url: 'http://localhost' }]);
	const phone = await phoneContext.newPage();
	await phone.goto('/signup');
	await phone.locator('input[name=name]').fill(person.name);
	await phone.locator('input[name=email]').fill(person.email);
	await phone.locator('input[name=password]').fill(person.password);
	await phone.locator('form button.btn-block[type=submit]').click();
	await expect(phone).toHaveURL(/\/me$/);
	await admin.goto(`/${CLINIC.code}/patients/${record.id}`);
	await admin.getByTestId('account-link').getByRole('button', { name: 'Create link code' }).click();
	const code = (await admin.getByTestId('link-code').textContent())?.trim() ?? '';
	const linkForm = phone.locator('form[action="?/link"]');
	await linkForm.locator('input[name=code]').fill(code);
	await linkForm.locator('button[type=submit]').click();
	await expect(phone.getByTestId('my-clinics')).toContainText(CLINIC.name);
	await expect(phone.getByTestId('patient-medicines')).toHaveCount(0);

	// A medicine in stock; the doctor completes a visit with a prescription of it.
	const medicineName = `phonecillin ${rand()}`;
	const medicine = await call(admin, 'post', '/medicines', { genericName: medicineName, form: 'tablet', strength: '250 mg', route: 'oral' }, 201);
	await call(
		admin,
		'post',
		`/medicines/${medicine.id}/batches`,
		{ batchNumber: 'PH-1', expiry: inDays(300), quantity: 30, costPrice: 100, salePrice: 150 },
		201
	);
	const doc = await pageFor(browser, doctor.email, PASSWORD);
	const opened = await call(doc, 'post', '/visits', { patientId: record.id, idempotencyKey: `open-${rand()}${rand()}` }, 201);
	await call(
		doc,
		'patch',
		`/visits/${opened.id}/chart`,
		{ complaint: 'Cough', diagnoses: [{ code: 'J00', title: 'Acute nasopharyngitis [common cold]' }] },
		200
	);
	const rx = (await call(
		doc,
		'put',
		`/visits/${opened.id}/prescription`,
		{ lines: [{ medicineId: medicine.id, dose: '1 tablet', frequency: '1+0+1', durationDays: 5 }], idempotencyKey: `rx-${rand()}${rand()}` },
		200
	)) as { id: string; lines: { id: string; quantity: number }[] };
	await call(doc, 'post', `/visits/${opened.id}/complete`, { idempotencyKey: `done-${rand()}${rand()}` }, 200);

	// The phone, without reloading: being prepared, then ready once the pharmacist dispenses.
	const told = phone.getByTestId('my-medicines');
	await expect(told).toHaveAttribute('data-status', 'waiting');
	await expect(told).toHaveText(`${CLINIC.name} کی فارمیسی آپ کی دوائیں تیار کر رہی ہے`);
	const chemist = await pageFor(browser, pharmacist.email, PASSWORD);
	await call(
		chemist,
		'post',
		`/prescriptions/${rx.id}/dispense`,
		{ lines: [{ lineId: rx.lines[0].id, quantity: 10 }], idempotencyKey: `give-${rand()}${rand()}` },
		200
	);
	await expect(told).toHaveAttribute('data-status', 'ready');
	await expect(told).toHaveText(`آپ کی دوائیں ${CLINIC.name} میں تیار ہیں`);
	await expect(phone.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(phone.getByTestId('patient-medicines')).not.toContainText(medicineName);
	const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(overflow).toBeLessThanOrEqual(1);
	await expectAccessible(phone);
	await screenshot(phone, 'patient-medicines-ready-ur-phone');

	// The desk: the prescription's status on the patient's page, not what is in it.
	const front = await pageFor(browser, desk.email, PASSWORD);
	await front.goto(`/${CLINIC.code}/patients/${record.id}`);
	const list = front.getByTestId('patient-prescriptions');
	await expect(list.getByTestId('prescription-status')).toHaveAttribute('data-status', 'ready');
	await expect(list.getByTestId('prescription-status')).toContainText('Ready');
	await expect(front.locator('body')).not.toContainText(medicineName);
	await expectAccessible(front);
	await screenshot(front, 'patient-prescriptions-desk');
	// In Urdu on a phone-sized screen, the same list.
	await front.context().addCookies([{ name: 'PARAGLIDE_LOCALE', value: 'ur', url: 'http://localhost' }]);
	await front.setViewportSize({ width: 390, height: 844 });
	await front.reload();
	await expect(list.getByTestId('prescription-status')).toContainText('تیار');
	await expect(front.locator('html')).toHaveAttribute('dir', 'rtl');
	await screenshot(front, 'patient-prescriptions-desk-ur-phone');

	// Handed over: the phone says so, live.
	await call(chemist, 'post', `/prescriptions/${rx.id}/collect`, { idempotencyKey: `hand-${rand()}${rand()}` }, 200);
	await expect(told).toHaveAttribute('data-status', 'collected');
	await phoneContext.close();
});
