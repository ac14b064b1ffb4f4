import type { Page } from '@playwright/test';
import { ADMIN, CLINIC, expect, expectAccessible, pageFor, PASSWORD, rand, test } from './fixtures';

async function addMember(admin: Page, clinicCode: string, person: { name: string; email: string }, role: string) {
	await admin.goto(`/${clinicCode}/admin/members`);
	await admin.getByLabel('Full name').fill(person.name);
	await admin.getByLabel('Email').fill(person.email);
	await admin.getByLabel('Role').selectOption(role);
	await admin.getByLabel('Initial password').fill(PASSWORD);
	await admin.getByRole('button', { name: 'Add to staff' }).click();
	await expect(admin.getByRole('status')).toContainText(person.name);
}

/** With SYNC_SCREENSHOTS=<dir>, keeps desktop and phone pictures of a page for review. */
async function screenshots(page: Page, name: string) {
	const dir = process.env.SYNC_SCREENSHOTS;
	if (!dir) return;
	for (const [label, width] of [
		['desktop', 1280],
		['phone', 390]
	] as const) {
		await page.setViewportSize({ width, height: 900 });
		await page.screenshot({ path: `${dir}/${name}-${label}.png`, fullPage: true });
	}
	await page.setViewportSize({ width: 1280, height: 720 });
}

/** Opens /sync from inside the page (its own cookie, its own origin) and asks for one document. */
function tryOpenDocument(page: Page, name: string): Promise<number> {
	return page.evaluate(
		(documentName) =>
			new Promise<number>((resolve) => {
				const ws = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/sync`);
				ws.binaryType = 'arraybuffer';
				const bytes = new TextEncoder().encode(documentName);
				// varString(name), Auth, Token, varString('') — names here are shorter than 128 bytes.
				ws.onopen = () => ws.send(new Uint8Array([bytes.length, ...bytes, 2, 0, 0]));
				ws.onclose = (event) => resolve(event.code);
				// A socket the server leaves open is a failure to refuse: say so (0) rather than wait forever.
				setTimeout(() => resolve(0), 10_000);
			}),
		name
	);
}

test('two staff see the duty list change live and each other; another clinic’s staff cannot open it', async ({ browser }) => {
	const reception = { name: `Rubina Desk ${rand()}`, email: `desk-${rand()}@clinic.test` };
	const doctor = { name: `Dr. Omar ${rand()}`, email: `omar-${rand()}@clinic.test` };
	const outsider = { name: `Other Branch ${rand()}`, email: `branch-${rand()}@clinic.test` };
	const branchCode = `B${rand().toUpperCase()}`.slice(0, 7);

	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	await addMember(admin, CLINIC.code, reception, 'reception');
	await addMember(admin, CLINIC.code, doctor, 'doctor');
	await admin.goto('/clinics/new');
	await admin.getByLabel('Clinic name').fill(`Branch ${branchCode}`);
	await admin.getByLabel('Short code').fill(branchCode);
	await admin.getByLabel('City').fill('Karachi');
	await admin.getByRole('button', { name: 'Create branch' }).click();
	await expect(admin).toHaveURL(new RegExp(`/${branchCode}$`));
	await addMember(admin, branchCode, outsider, 'admin');

	const desk = await pageFor(browser, reception.email, PASSWORD);
	const doc = await pageFor(browser, doctor.email, PASSWORD, 'ur');
	await expect(desk).toHaveURL(new RegExp(`/${CLINIC.code}$`));
	for (const page of [desk, doc]) await expect(page.locator('[data-state="live"]')).toBeVisible();

	// Presence: each sees the other, by name.
	await expect(desk.getByTestId('presence')).toContainText(doctor.name);
	await expect(doc.getByTestId('presence')).toContainText(reception.name);

	// The admin opens the home page too and puts the doctor on duty; both staff pages follow.
	await admin.goto(`/${CLINIC.code}`);
	const adminRow = admin.getByTestId('staff-row').filter({ hasText: doctor.name });
	await adminRow.getByRole('button', { name: `Mark ${doctor.name} on duty` }).click();
	await expect(desk.getByTestId('staff-row').filter({ hasText: doctor.name })).toContainText('On duty');
	await expect(doc.getByTestId('staff-row').filter({ hasText: doctor.name })).toContainText('ڈیوٹی پر');
	// The reception desk may toggle too, and the change comes back to the admin.
	await desk
		.getByTestId('staff-row')
		.filter({ hasText: doctor.name })
		.getByRole('button', { name: `Mark ${doctor.name} off duty` })
		.click();
	await expect(adminRow).toContainText('Off duty');
	await screenshots(desk, 'desk-en');
	await screenshots(doc, 'doctor-ur');
	// A doctor sees the list but no toggles.
	await expect(doc.getByTestId('staff-row').first().getByRole('button')).toHaveCount(0);
	await expectAccessible(desk);

	// The other clinic's staff member: the page is not found, and the sync server refuses the documents.
	const staffDocument = await desk.locator('[data-document]').getAttribute('data-document');
	const clinicId = staffDocument!.split('/')[1];
	const other = await pageFor(browser, outsider.email, PASSWORD);
	await expect(other).toHaveURL(new RegExp(`/${branchCode}$`));
	expect(await tryOpenDocument(other, staffDocument!)).toBe(4403);
	expect(await tryOpenDocument(other, `clinic/${clinicId}/day/2025-01-01/desk`)).toBe(4403);
	const response = await other.goto(`/${CLINIC.code}`);
	expect(response?.status()).toBe(404);
});
