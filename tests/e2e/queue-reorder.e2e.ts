import { ADMIN, CLINIC, expect, pageFor, rand, test } from './fixtures';
import { addPatient, addStaff } from './calendarHelpers';

const api = `/api/v1/clinics/${CLINIC.code}`;

test('the desk drags a waiting patient to the front with a reason; the line shows it moved and the doctor calls them next', async ({ browser }) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	// A doctor of this test's own: other queue tests call next for theirs.
	const doctor = await addStaff(admin, 'doctor', `Dr Reorder ${rand()}`);
	const tokens: string[] = [];
	for (const name of [`First ${rand()}`, `Second ${rand()}`, `Third ${rand()}`]) {
		const patient = await addPatient(admin, name);
		const res = await admin.request.post(`${api}/queue/check-in`, { data: { patientId: patient.id, doctorId: doctor.id, idempotencyKey: `e2e-${rand()}${rand()}` } });
		expect(res.status(), await res.text()).toBe(201);
		tokens.push((await res.json()).token);
	}

	await admin.goto(`/${CLINIC.code}/queue`);
	const line = admin.getByTestId('waiting-line').filter({ has: admin.getByRole('heading', { name: `${doctor.name}’s line` }) });
	const rows = line.getByTestId('waiting-row');
	await expect(rows).toHaveCount(3);
	await expect.poll(() => rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-token')))).toEqual(tokens);

	// A drag without a reason changes nothing: the dialog asks for one, and Cancel leaves the line as it was.
	await rows.nth(2).dragTo(rows.nth(0));
	const dialog = admin.getByRole('dialog');
	await expect(dialog).toBeVisible();
	await expect(dialog.getByLabel('New place in line')).toHaveValue('0');
	await dialog.getByRole('button', { name: 'Cancel' }).click();
	await expect(dialog).toBeHidden();
	await expect.poll(() => rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-token')))).toEqual(tokens);

	await rows.nth(2).dragTo(rows.nth(0));
	await dialog.getByLabel('Reason').fill('Elderly patient, cannot wait long');
	await dialog.getByRole('button', { name: 'Save' }).click();
	await expect.poll(() => rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-token')))).toEqual([tokens[2], tokens[0], tokens[1]]);
	await expect(rows.first()).toContainText('Moved by staff');

	const called = await admin.request.post(`${api}/queue/next`, { data: { doctorId: doctor.id } });
	expect(called.status()).toBe(200);
	expect((await called.json()).token).toBe(tokens[2]);
});
