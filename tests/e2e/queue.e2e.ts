import { mkdirSync } from 'node:fs';
import type { Browser, Page } from '@playwright/test';
import { ADMIN, CLINIC, expect, expectAccessible, pageFor, PASSWORD, rand, test } from './fixtures';
import { addPatient, addStaff } from './calendarHelpers';

const api = () => `/api/v1/clinics/${CLINIC.code}`;

/** With QUEUE_SCREENSHOTS=<dir>, keeps desktop and phone pictures of a page for review. */
async function screenshots(
	page: Page,
	name: string,
	sizes: [string, number][] = [
		['desktop', 1280],
		['phone', 390]
	]
) {
	const dir = process.env.QUEUE_SCREENSHOTS;
	if (!dir) return;
	const before = page.viewportSize();
	for (const [label, width] of sizes) {
		await page.setViewportSize({ width, height: label === 'tv' ? 1080 : 900 });
		await page.screenshot({ path: `${dir}/${name}-${label}.png`, fullPage: label !== 'tv' });
	}
	if (before) await page.setViewportSize(before);
}

/** The kiosk records what it would say, so the test can hear the call without a speaker. */
async function kioskPage(browser: Browser, link: string): Promise<Page> {
	const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
	await context.addInitScript(() => {
		const spoken: { text: string; lang: string }[] = [];
		Object.defineProperty(window, '__spoken', { value: spoken });
		window.speechSynthesis.speak = (utterance: SpeechSynthesisUtterance) => {
			spoken.push({ text: utterance.text, lang: utterance.lang });
			setTimeout(() => utterance.onend?.(new SpeechSynthesisEvent('end', { utterance })), 10);
		};
	});
	const page = await context.newPage();
	await page.goto(link);
	return page;
}

const spoken = (page: Page) => page.evaluate(() => (Reflect.get(window, '__spoken') as { text: string; lang: string }[]).slice());

test('two desks check in at once, a doctor calls next, the kiosk chimes and speaks in English and Urdu, and the patient sees their place', async ({
	browser
}) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const people = {
		doctor: { name: `Dr Sana ${rand()}`, email: `sana-${rand()}@clinic.test`, role: 'doctor' },
		deskA: { name: `Desk A ${rand()}`, email: `desk-a-${rand()}@clinic.test`, role: 'reception' },
		deskB: { name: `Desk B ${rand()}`, email: `desk-b-${rand()}@clinic.test`, role: 'reception' }
	};
	for (const person of Object.values(people)) {
		const res = await admin.request.post(`${api()}/members`, { data: { ...person, password: PASSWORD } });
		expect(res.status(), await res.text()).toBe(201);
	}
	const names = [`Hamza Tariq ${rand()}`, `Iqra Bano ${rand()}`, `Javed Iqbal ${rand()}`];
	for (const name of names.slice(0, 2)) {
		const res = await admin.request.post(`${api()}/patients`, { data: { name, allowDuplicate: true } });
		expect(res.status(), await res.text()).toBe(201);
	}

	// The admin makes a display key; the link is shown once.
	await admin.goto(`/${CLINIC.code}/admin/display-keys`);
	await admin.getByLabel('Screen name').fill(`Waiting room ${rand()}`);
	await admin.getByRole('button', { name: 'Create key' }).click();
	const link = await admin.getByTestId('kiosk-link').getAttribute('href');
	expect(link).toMatch(/\/kiosk\/[a-z2-7]{40}$/);
	await screenshots(admin, 'display-keys');
	const kiosk = await kioskPage(browser, link!);

	// Two desks check two patients in at the same moment.
	const [deskA, deskB] = await Promise.all([pageFor(browser, people.deskA.email, PASSWORD), pageFor(browser, people.deskB.email, PASSWORD, 'ur')]);
	await deskA.goto(`/${CLINIC.code}/queue?q=${encodeURIComponent(names[0])}`);
	await deskB.goto(`/${CLINIC.code}/queue?q=${encodeURIComponent(names[1])}`);
	// A retried run finds the first attempt's look-alike patients too: each desk picks its own by name.
	const resultA = deskA.getByTestId('search-result').filter({ hasText: names[0] });
	const resultB = deskB.getByTestId('search-result').filter({ hasText: names[1] });
	await resultA.getByRole('combobox').selectOption({ label: people.doctor.name });
	await resultB.getByRole('combobox').selectOption({ label: people.doctor.name });
	await Promise.all([resultA.getByRole('button').click(), resultB.getByRole('button').click()]);
	await expect(deskA.getByTestId('checked-in')).toBeVisible();
	await expect(deskB.getByTestId('checked-in')).toBeVisible();
	const issued = [await deskA.getByTestId('checked-in').textContent(), await deskB.getByTestId('checked-in').textContent()].map(
		(t) => /\d{3}/.exec(t ?? '')?.[0]
	);
	expect(new Set(issued).size).toBe(2);
	// Each desk sees both tokens live, in the order the rule gives.
	for (const desk of [deskA, deskB]) {
		await expect(desk.getByTestId('waiting-row').filter({ hasText: names[0] })).toBeVisible();
		await expect(desk.getByTestId('waiting-row').filter({ hasText: names[1] })).toBeVisible();
	}
	await screenshots(deskA, 'queue-desk');
	await screenshots(deskB, 'queue-desk-ur');
	await expectAccessible(deskA);

	// The doctor calls next from a third browser.
	const doctor = await pageFor(browser, people.doctor.email, PASSWORD);
	await doctor.goto(`/${CLINIC.code}/queue`);
	const controls = doctor.getByTestId('doctor-controls');
	await controls.getByRole('button', { name: 'Call next' }).click();
	const first = [...issued].sort()[0]!;
	await expect(controls.getByTestId('with-doctor-token')).toHaveText(first);
	await screenshots(doctor, 'queue-doctor');

	// The waiting-room screen shows the call and announces it, in both languages.
	await expect(kiosk.getByTestId('kiosk-now-serving')).toHaveText(first);
	await expect.poll(async () => (await spoken(kiosk)).map((s) => s.lang)).toEqual(['en-GB', 'ur-PK']);
	const said = await spoken(kiosk);
	expect(said[0].text).toContain(people.doctor.name);
	expect(said[1].text).toContain('ٹوکن');
	expect(await kiosk.content()).not.toContain(names[0]);
	await screenshots(kiosk, 'kiosk', [['tv', 1920]]);

	// The desk moves the last waiting token to the front, giving a reason.
	const third = await admin.request.post(`${api()}/queue/check-in`, {
		data: {
			patientId: (await (await admin.request.post(`${api()}/patients`, { data: { name: names[2], allowDuplicate: true } })).json()).id,
			doctorId: await doctorIdOf(admin, people.doctor.email),
			idempotencyKey: `e2e-${rand()}${rand()}`
		}
	});
	const thirdToken = (await third.json()).token;
	await expect(deskA.getByTestId('waiting-row').first()).toHaveAttribute('data-token', [...issued].sort()[1]!);
	await deskA.getByTestId('waiting-row').filter({ hasText: names[2] }).getByRole('button', { name: 'Move…' }).click();
	await deskA.getByLabel('New place in line').selectOption({ label: '1' });
	await deskA.getByRole('dialog').getByLabel('Reason').fill('Elderly, has waited long');
	await deskA.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
	await expect(deskA.getByTestId('waiting-row').first()).toHaveAttribute('data-token', thirdToken);
	await expect(deskB.getByTestId('waiting-row').first()).toHaveAttribute('data-token', thirdToken);

	// Recall announces again; complete and call the next one (now the moved token).
	await controls.getByRole('button', { name: 'Recall' }).click();
	await expect.poll(async () => (await spoken(kiosk)).length).toBe(4);
	await controls.getByRole('button', { name: 'Complete' }).click();
	await controls.getByRole('button', { name: 'Call next' }).click();
	await expect(kiosk.getByTestId('kiosk-now-serving')).toHaveText(thirdToken);

	// Revoking the key stops the screen within seconds.
	await admin.goto(`/${CLINIC.code}/admin/display-keys`);
	await admin
		.getByTestId('display-key')
		.first()
		.getByRole('button', { name: /Revoke/ })
		.click();
	await expect(kiosk.getByRole('alert')).toBeVisible({ timeout: 8_000 });
	await expect(kiosk.getByTestId('kiosk-now-serving')).toHaveCount(0);
	// This test's screens stay open otherwise, and the next test shares the browser.
	await Promise.all([admin, deskA, deskB, doctor, kiosk].map((p) => p.context().close()));
});

test('an admin sets up rooms, a doctor picks today’s room, and the waiting room sends the called token there, in English and Urdu', async ({ browser }) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const doctor = { name: `Dr Faisal ${rand()}`, email: `faisal-${rand()}@clinic.test`, role: 'doctor' };
	expect((await admin.request.post(`${api()}/members`, { data: { ...doctor, password: PASSWORD } })).status()).toBe(201);
	const doctorId = await doctorIdOf(admin, doctor.email);
	const rooms = [`Room ${10 + Math.floor(Math.random() * 89)}`, `Dental chair ${rand()}`];

	// Rooms are an admin screen, reachable from the admin navigation.
	await admin.goto(`/${CLINIC.code}`);
	await admin.getByRole('link', { name: 'Rooms' }).first().click();
	await expect(admin).toHaveURL(new RegExp(`/${CLINIC.code}/admin/rooms$`));
	for (const name of rooms) {
		await admin.getByLabel('Room name').fill(name);
		await admin.getByRole('button', { name: 'Add room' }).click();
		await expect(admin.getByLabel(`New name for ${name}`)).toHaveValue(name);
	}
	// A second room with a name in use is refused, with the reason, and nothing is added.
	await admin.getByLabel('Room name').fill(rooms[0].toUpperCase());
	await admin.getByRole('button', { name: 'Add room' }).click();
	await expect(admin.getByText('A room in use already has that name.')).toBeVisible();
	await expect(admin.getByLabel('Room name')).toHaveValue(rooms[0].toUpperCase());
	await expect(admin.getByLabel(`New name for ${rooms[0].toUpperCase()}`, { exact: true })).toHaveCount(0);
	await screenshots(admin, 'rooms');
	await expectAccessible(admin);
	const adminUr = await pageFor(browser, ADMIN.email, ADMIN.password, 'ur');
	await adminUr.goto(`/${CLINIC.code}/admin/rooms`);
	await expect(adminUr.locator('html')).toHaveAttribute('dir', 'rtl');
	await screenshots(adminUr, 'rooms-ur');

	// The doctor works in the first room today.
	const doctorPage = await pageFor(browser, doctor.email, PASSWORD);
	await doctorPage.goto(`/${CLINIC.code}/queue`);
	const controls = doctorPage.getByTestId('doctor-controls');
	const roomForm = controls.getByTestId('room-form');
	await roomForm.locator('select[name=roomId]').selectOption({ label: rooms[0] });
	await roomForm.getByRole('button', { name: 'Set room' }).click();
	await expect(roomForm.locator('select[name=roomId]')).toHaveValue(/[0-9a-f-]{36}/);

	await admin.goto(`/${CLINIC.code}/admin/display-keys`);
	await admin.getByLabel('Screen name').fill(`Rooms screen ${rand()}`);
	await admin.getByRole('button', { name: 'Create key' }).click();
	const link = (await admin.getByTestId('kiosk-link').getAttribute('href'))!;
	const both = await kioskPage(browser, link);
	const english = await kioskPage(browser, `${link}?lang=en`);
	const urdu = await kioskPage(browser, `${link}?lang=ur`);

	const patientRes = await admin.request.post(`${api()}/patients`, { data: { name: `Sadia Room ${rand()}`, allowDuplicate: true } });
	const checkedIn = await admin.request.post(`${api()}/queue/check-in`, {
		data: { patientId: (await patientRes.json()).id, doctorId, idempotencyKey: `e2e-${rand()}${rand()}` }
	});
	const token = (await checkedIn.json()).token;
	await controls.getByRole('button', { name: 'Call next' }).click();
	await expect(controls.getByTestId('with-doctor-token')).toHaveText(token);
	await expect(controls.getByTestId('with-doctor-room')).toHaveText(rooms[0]);
	await screenshots(doctorPage, 'queue-doctor-room');

	// Every screen shows "token → room"; the one showing both languages says the room in both.
	for (const screen of [both, english, urdu]) {
		const card = screen.getByTestId('kiosk-room').filter({ hasText: doctor.name });
		await expect(card.getByTestId('kiosk-now-serving')).toHaveText(token);
		await expect(card.getByTestId('kiosk-room-name')).toContainText(rooms[0]);
	}
	await expect.poll(async () => (await spoken(both)).map((s) => s.lang)).toEqual(['en-GB', 'ur-PK']);
	const said = await spoken(both);
	expect(said[0].text).toContain(`please go to ${rooms[0]}`);
	expect(said[1].text).toContain(rooms[0]);
	expect(said[1].text).toContain('تشریف');
	await expect(urdu.locator('main')).toHaveAttribute('dir', 'rtl');
	// The waiting room sees the clinic's time and date, in the language on screen.
	await expect(english.getByTestId('kiosk-clock')).toHaveText(/\d{1,2}:\d{2}.*(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)/);
	await expect(urdu.getByTestId('kiosk-clock')).toHaveText(/\d{1,2}:\d{2}.*(پیر|منگل|بدھ|جمعرات|جمعہ|ہفتہ|اتوار)/);
	await screenshots(english, 'kiosk-room-en', [['tv', 1920]]);
	await screenshots(urdu, 'kiosk-room-ur', [['tv', 1920]]);

	// Archiving the room in use keeps the called token's room; the next call goes to no room.
	await admin.goto(`/${CLINIC.code}/admin/rooms`);
	await admin.getByRole('button', { name: `Archive ${rooms[0]}` }).click();
	await expect(admin.getByTestId('archived-room').filter({ hasText: rooms[0] })).toBeVisible();
	await expect(english.getByTestId('kiosk-room').filter({ hasText: doctor.name }).getByTestId('kiosk-room-name')).toContainText(rooms[0]);
});

async function doctorIdOf(admin: Page, email: string): Promise<string> {
	const { members } = await (await admin.request.get(`${api()}/members`)).json();
	return members.find((m: { email: string }) => m.email === email).userId;
}

test('a patient links their phone at the desk with a code, then sees their token and place, live', async ({ browser }) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const doctor = { name: `Dr Umar ${rand()}`, email: `umar-${rand()}@clinic.test`, role: 'doctor' };
	expect((await admin.request.post(`${api()}/members`, { data: { ...doctor, password: PASSWORD } })).status()).toBe(201);
	const doctorId = await doctorIdOf(admin, doctor.email);

	const person = { name: `Maryam Noor ${rand()}`, email: `maryam-${rand()}@example.test`, password: 'patient password 1' };
	const phoneContext = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
	await phoneContext.addCookies([{ name: 'PARAGLIDE_LOCALE', value: 'ur', url: 'http://localhost' }]);
	const phone = await phoneContext.newPage();
	await phone.goto('/signup');
	await phone.locator('input[name=name]').fill(person.name);
	await phone.locator('input[name=email]').fill(person.email);
	await phone.locator('input[name=password]').fill(person.password);
	await phone.locator('form button.btn-block[type=submit]').click();
	await expect(phone).toHaveURL(/\/me$/);

	const ids: string[] = [];
	for (const name of [`Ahead One ${rand()}`, `Ahead Two ${rand()}`, person.name]) {
		const res = await admin.request.post(`${api()}/patients`, { data: { name, allowDuplicate: true } });
		ids.push((await res.json()).id);
	}
	// The desk creates a link code on the patient's page and reads it out.
	await admin.goto(`/${CLINIC.code}/patients/${ids[2]}`);
	const account = admin.getByTestId('account-link');
	await account.getByRole('button', { name: 'Create link code' }).click();
	const code = (await admin.getByTestId('link-code').textContent())?.trim() ?? '';
	expect(code).toMatch(/^[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$/);
	await screenshots(admin, 'patient-link-code', [['desktop', 1280]]);

	// The phone, in Urdu: a wrong code is refused in Urdu, the right one (typed loosely) links.
	const linkForm = phone.locator('form[action="?/link"]');
	await screenshots(phone, 'patient-me-link-form-ur', [['phone', 390]]);
	await linkForm.locator('input[name=code]').fill('ZZZZ-ZZZZ');
	await linkForm.locator('button[type=submit]').click();
	await expect(linkForm.getByRole('alert')).toContainText('کوڈ');
	await expect(phone.getByTestId('my-clinics')).toHaveCount(0);
	await linkForm.locator('input[name=code]').fill(code.replace('-', ' ').toLowerCase());
	await linkForm.locator('button[type=submit]').click();
	await expect(phone.getByTestId('my-clinics')).toContainText(CLINIC.name);
	await expect(phone.getByTestId('my-clinics')).toContainText(`${CLINIC.code}-P`);
	await expectAccessible(phone);

	// The desk sees whose account the record is linked to.
	await admin.reload();
	await expect(admin.getByTestId('linked-account')).toContainText(person.name);
	await expect(admin.getByTestId('linked-account')).toContainText(person.email);

	for (const patientId of ids) {
		const res = await admin.request.post(`${api()}/queue/check-in`, { data: { patientId, doctorId, idempotencyKey: `e2e-${rand()}${rand()}` } });
		expect(res.status()).toBe(201);
	}
	await phone.goto('/me');
	await expect(phone.getByTestId('my-ahead')).toHaveText('2');
	await screenshots(phone, 'patient-me-ur', [['phone', 390]]);
	await admin.request.post(`${api()}/queue/next`, { data: { doctorId, idempotencyKey: `e2e-${rand()}${rand()}` } });
	await expect(phone.getByTestId('my-ahead')).toHaveText('1');
	await expect(phone.getByTestId('patient-queue')).toHaveAttribute('data-status', 'waiting');
});

// In this file, not beside it: calling a token shows on the clinic's waiting-room screens, which the tests above watch.
test('the desk drags a waiting patient to the front with a reason; the line shows it moved and the doctor calls them next', async ({ browser }) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	// A doctor of this test's own: other queue tests call next for theirs.
	const doctor = await addStaff(admin, 'doctor', `Dr Reorder ${rand()}`);
	const tokens: string[] = [];
	for (const name of [`First ${rand()}`, `Second ${rand()}`, `Third ${rand()}`]) {
		const patient = await addPatient(admin, name);
		const res = await admin.request.post(`${api()}/queue/check-in`, {
			data: { patientId: patient.id, doctorId: doctor.id, idempotencyKey: `e2e-${rand()}${rand()}` }
		});
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

	const called = await admin.request.post(`${api()}/queue/next`, { data: { doctorId: doctor.id, idempotencyKey: `e2e-${rand()}${rand()}` } });
	expect(called.status()).toBe(200);
	expect((await called.json()).token).toBe(tokens[2]);
});

// Last in this file: the tests above share the clinic's queue and its kiosk, and run one after another in one worker.
/** With MERGE_SCREENSHOTS=<dir>, keeps desktop and phone pictures of the page for review. */
async function mergeScreenshots(page: Page, name: string) {
	const dir = process.env.MERGE_SCREENSHOTS;
	if (!dir) return;
	mkdirSync(dir, { recursive: true });
	for (const [label, width, height] of [
		['desktop', 1280, 900],
		['phone', 390, 844]
	] as const) {
		await page.setViewportSize({ width, height });
		await page.screenshot({ path: `${dir}/${name}-${label}.png`, fullPage: true });
		await page.getByTestId('merge-effects').screenshot({ path: `${dir}/${name}-${label}-effects.png` });
	}
	await page.setViewportSize({ width: 1280, height: 900 });
}

test('the merge screen says beforehand which of today’s tokens is kept and which cancelled, in English and Urdu, and the merge then does so', async ({
	browser
}) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const patient = async (name: string) => {
		const res = await admin.request.post(`${api()}/patients`, { data: { name, allowDuplicate: true } });
		expect(res.status(), await res.text()).toBe(201);
		return (await res.json()) as { id: string; ref: string };
	};
	// Tokens for a doctor of this test's own: the queue tests running alongside call next for theirs.
	const doctor = await addStaff(admin, 'doctor', `Dr Merge ${rand()}`);
	const checkIn = (patientId: string) =>
		admin.request.post(`${api()}/queue/check-in`, { data: { patientId, doctorId: doctor.id, idempotencyKey: `e2e-${rand()}${rand()}` } });
	const tag = rand();
	const survivor = await patient(`Rukhsana Merge ${tag}`);
	const duplicate = await patient(`Rukhsana M. ${tag}`);
	// The duplicate arrived first, so its token keeps the place and the survivor's goes.
	const first = (await (await checkIn(duplicate.id)).json()) as { token: string };
	const second = (await (await checkIn(survivor.id)).json()) as { token: string };

	const mergeUrl = `/${CLINIC.code}/patients/${survivor.id}/merge?with=${duplicate.id}`;
	await admin.goto(mergeUrl);
	const effects = admin.getByRole('region', { name: 'Before you merge: the queue and appointments' });
	await expect(effects).toContainText(
		`Both records are in today’s queue. Token ${second.token} of ${survivor.ref} will be cancelled (records merged); token ${first.token} of ${duplicate.ref} is kept.`
	);
	await expect(effects).toContainText(`${duplicate.ref} has no upcoming appointments to move.`);
	await expectAccessible(admin);
	await mergeScreenshots(admin, 'merge-effects-en');

	const urdu = await pageFor(browser, ADMIN.email, ADMIN.password, 'ur');
	await urdu.goto(mergeUrl);
	await expect(urdu.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(urdu.getByTestId('merge-effects')).toContainText(`${survivor.ref} کا ٹوکن ${second.token} منسوخ ہو جائے گا`);
	// Nothing runs off the side of a phone.
	await urdu.setViewportSize({ width: 390, height: 844 });
	expect(await urdu.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
	await mergeScreenshots(urdu, 'merge-effects-ur');
	await urdu.context().close();

	await admin.getByRole('button', { name: `Merge ${duplicate.ref} into ${survivor.ref}` }).click();
	await expect(admin).toHaveURL(new RegExp(`/patients/${survivor.id}\\?merged=1$`));
	await expect(admin.getByRole('status')).toContainText(`${duplicate.ref} was merged into this record.`);
	const queue = (await (await admin.request.get(`${api()}/queue`)).json()) as { tokens: { token: string; status: string; cancelReason?: string | null }[] };
	expect(queue.tokens.find((t) => t.token === first.token)).toMatchObject({ status: 'waiting' });
	expect(queue.tokens.find((t) => t.token === second.token)).toMatchObject({ status: 'cancelled', cancelReason: 'merged' });
	// The merged-away record cannot take a place in the line again; the desk is told why.
	const again = await checkIn(duplicate.id);
	expect(again.status()).toBe(409);
	expect(await again.json()).toMatchObject({
		error: { code: 'patient_merged', message: 'This record was merged into another one. Check in the record it was merged into.' }
	});
	await admin.context().close();
});
