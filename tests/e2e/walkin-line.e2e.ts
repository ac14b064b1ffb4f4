import { mkdirSync } from 'node:fs';
import type { Browser, Page } from '@playwright/test';
import { ADMIN, CLINIC, expect, expectAccessible, pageFor, PASSWORD, rand, test } from './fixtures';
import { addPatient, addStaff, setFullWeek } from './calendarHelpers';

const api = () => `/api/v1/clinics/${CLINIC.code}`;
const key = () => `e2e-${rand()}${rand()}`;

/** With QUEUE_SCREENSHOTS=<dir>, keeps a picture of the page as it is for review. */
async function screenshot(page: Page, name: string) {
	const dir = process.env.QUEUE_SCREENSHOTS;
	if (!dir) return;
	mkdirSync(dir, { recursive: true });
	await page.screenshot({ path: `${dir}/${name}.png`, fullPage: (page.viewportSize()?.width ?? 0) < 1900 });
}

/** A waiting-room screen at TV size, in one language, that only watches (its speech goes nowhere). */
async function tv(browser: Browser, link: string, lang: 'en' | 'ur'): Promise<Page> {
	const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
	await context.addInitScript(() => {
		window.speechSynthesis.speak = (utterance: SpeechSynthesisUtterance) => {
			setTimeout(() => utterance.onend?.(new SpeechSynthesisEvent('end', { utterance })), 10);
		};
	});
	const page = await context.newPage();
	await page.goto(`${link}?lang=${lang}`);
	return page;
}

async function checkIn(admin: Page, data: Record<string, unknown>): Promise<{ id: string; token: string; doctorId: string | null }> {
	const res = await admin.request.post(`${api()}/queue/check-in`, { data: { ...data, idempotencyKey: key() } });
	expect(res.status(), await res.text()).toBe(201);
	return res.json();
}

type ApiToken = { id: string; token: string; doctorId: string | null; status: string; room: string | null };
const apiToken = async (admin: Page, id: string): Promise<ApiToken | undefined> =>
	((await (await admin.request.get(`${api()}/queue`)).json()) as { tokens: ApiToken[] }).tokens.find((t) => t.id === id);

test('a walk-in for the next free doctor waits in the shared line, apart from every doctor, on the desk and the TV, and moves to the doctor who calls it', async ({
	browser
}) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const amna = await addStaff(admin, 'doctor', `Dr Amna ${rand()}`);
	const bilal = await addStaff(admin, 'doctor', `Dr Bilal ${rand()}`);
	await admin.goto(`/${CLINIC.code}/admin/display-keys`);
	await admin.getByLabel('Screen name').fill(`Waiting room ${rand()}`);
	await admin.getByRole('button', { name: 'Create key' }).click();
	const link = (await admin.getByTestId('kiosk-link').getAttribute('href'))!;
	const [english, urdu] = [await tv(browser, link, 'en'), await tv(browser, link, 'ur')];

	// Dr Amna has a walk-in of her own; then the desk checks one in for the next free doctor.
	const own = await checkIn(admin, { patientId: (await addPatient(admin, `Own Walkin ${rand()}`)).id, doctorId: amna.id });
	const name = `Shared Walkin ${rand()}`;
	await addPatient(admin, name);
	await admin.goto(`/${CLINIC.code}/queue?q=${encodeURIComponent(name)}`);
	const result = admin.getByTestId('search-result').filter({ hasText: name });
	await expect(result.getByRole('combobox')).toHaveValue('');
	await expect(result.getByRole('combobox').locator('option:checked')).toHaveText('Next free doctor');
	await result.getByLabel('Reason for the visit').fill('Sore throat');
	await result.getByRole('button').click();
	await expect(admin.getByTestId('checked-in')).toBeVisible();
	const shared = /\d{3}/.exec((await admin.getByTestId('checked-in').textContent()) ?? '')![0];

	// The desk: a line of its own, nobody's; Dr Amna's line holds only her own walk-in.
	const sharedLine = admin.locator('[data-testid=waiting-line][data-line=shared]');
	await expect(sharedLine.getByRole('heading', { name: 'Next free doctor' })).toBeVisible();
	await expect(sharedLine.getByTestId('waiting-row')).toHaveCount(1);
	await expect(sharedLine.getByTestId('waiting-row')).toHaveAttribute('data-token', shared);
	await expect(sharedLine.getByTestId('token-reason')).toHaveText('Sore throat');
	const amnaLine = admin.locator(`[data-testid=waiting-line][data-line="${amna.id}"]`);
	await expect(amnaLine.getByTestId('waiting-row')).toHaveCount(1);
	await expect(amnaLine.getByTestId('waiting-row')).toHaveAttribute('data-token', own.token);
	const waitingShared = ((await (await admin.request.get(`${api()}/queue`)).json()) as { tokens: ApiToken[] }).tokens.find((t) => t.token === shared)!;
	expect(waitingShared).toMatchObject({ doctorId: null, status: 'waiting', room: null });
	await expectAccessible(admin);
	await screenshot(admin, 'walkin-queue-en');

	// The TV: the shared line on its own band, never as Dr Amna's next.
	await expect(english.getByTestId('kiosk-shared')).toContainText('Next free doctor');
	await expect(english.getByTestId('kiosk-shared-token')).toHaveText([shared]);
	const amnaCard = english.getByTestId('kiosk-room').filter({ hasText: amna.name });
	await expect(amnaCard).toContainText(own.token);
	await expect(amnaCard).not.toContainText(shared);
	await expect(urdu.getByTestId('kiosk-shared')).toContainText('اگلا فارغ ڈاکٹر');
	await expect(urdu.locator('main')).toHaveAttribute('dir', 'rtl');
	await screenshot(english, 'walkin-tv-en');
	await screenshot(urdu, 'walkin-tv-ur');

	const deskUr = await pageFor(browser, ADMIN.email, ADMIN.password, 'ur');
	await deskUr.goto(`/${CLINIC.code}/queue`);
	await expect(deskUr.locator('[data-testid=waiting-line][data-line=shared]').getByRole('heading', { name: 'اگلا فارغ ڈاکٹر' })).toBeVisible();
	await screenshot(deskUr, 'walkin-queue-ur');

	// Dr Bilal, whose own line is empty, calls next: he gets the shared walk-in, in his line now.
	const doctor = await pageFor(browser, bilal.email, PASSWORD);
	await doctor.goto(`/${CLINIC.code}/queue`);
	const controls = doctor.getByTestId('doctor-controls');
	await expect(controls.getByTestId('shared-count')).toHaveText('1 for the next free doctor');
	await controls.getByRole('button', { name: 'Call next' }).click();
	await expect(controls.getByTestId('with-doctor-token')).toHaveText(shared);
	await expect(sharedLine).toHaveCount(0);
	await expect(amnaLine.getByTestId('waiting-row')).toHaveAttribute('data-token', own.token);
	expect(await apiToken(admin, waitingShared.id)).toMatchObject({ doctorId: bilal.id, status: 'with_doctor' });
	const bilalCard = english.getByTestId('kiosk-room').filter({ hasText: bilal.name });
	await expect(bilalCard.getByTestId('kiosk-now-serving')).toHaveText(shared);
	await expect(english.getByTestId('kiosk-shared')).toHaveCount(0);
	await screenshot(english, 'walkin-tv-called-en');
	await Promise.all([admin, deskUr, doctor, english, urdu].map((p) => p.context().close()));
});

test('a patient who checks in hours early sees their appointment time on their phone, not a place among walk-ins, and walk-ins are called first', async ({
	browser
}) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const doctor = await addStaff(admin, 'doctor', `Dr Saima ${rand()}`);
	await setFullWeek(admin, doctor.id);
	const { day } = (await (await admin.request.get(`${api()}/queue`)).json()) as { day: string };
	const { slots } = (await (await admin.request.get(`${api()}/slots?doctor=${doctor.id}&date=${day}`)).json()) as { slots: { start: string }[] };
	const later = slots.find((s) => Date.parse(s.start) >= Date.now() + 2 * 3_600_000);
	expect(later, 'a free slot two hours from now (the clinic is set up where it is about noon)').toBeDefined();

	// The patient signs up on their phone and links it with the desk's code.
	const person = { name: `Early Bird ${rand()}`, email: `early-${rand()}@example.test`, password: 'patient password 1' };
	const phoneContext = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
	const phone = await phoneContext.newPage();
	await phone.goto('/signup');
	await phone.locator('input[name=name]').fill(person.name);
	await phone.locator('input[name=email]').fill(person.email);
	await phone.locator('input[name=password]').fill(person.password);
	await phone.locator('form button.btn-block[type=submit]').click();
	await expect(phone).toHaveURL(/\/me$/);
	const record = await addPatient(admin, person.name);
	const { code } = await (await admin.request.post(`${api()}/patients/${record.id}/link-code`)).json();
	expect((await phone.request.post('/api/v1/me/links', { data: { code } })).status()).toBe(201);

	const booked = await admin.request.post(`${api()}/appointments`, {
		data: { patientId: record.id, doctorId: doctor.id, start: later!.start, idempotencyKey: key() }
	});
	expect(booked.status(), await booked.text()).toBe(201);
	const early = await checkIn(admin, { appointmentId: (await booked.json()).id });
	const walkIn = await checkIn(admin, { patientId: (await addPatient(admin, `Walks In ${rand()}`)).id, doctorId: doctor.id });

	const time = new Intl.DateTimeFormat('en-GB', { timeZone: await clinicZone(admin), hour: '2-digit', minute: '2-digit' }).format(new Date(later!.start));
	await phone.goto('/me');
	await expect(phone.getByTestId('my-token')).toHaveText(early.token);
	await expect(phone.getByTestId('my-appointment-time')).toHaveText(time);
	await expect(phone.getByTestId('my-position')).toContainText(`You’re early: you will be called at your appointment time, ${time}.`);
	await expect(phone.getByTestId('my-ahead')).toHaveCount(0);
	expect(Number(await phone.getByTestId('my-wait').textContent())).toBeGreaterThanOrEqual(110);
	await expectAccessible(phone);
	await screenshot(phone, 'walkin-me-early-en');
	await phoneContext.addCookies([{ name: 'PARAGLIDE_LOCALE', value: 'ur', url: 'http://localhost' }]);
	await phone.reload();
	await expect(phone.getByTestId('my-position')).toContainText('آپ جلدی آ گئے ہیں');
	await screenshot(phone, 'walkin-me-early-ur');

	// The doctor calls next: the walk-in, as the patient was told.
	const called = await admin.request.post(`${api()}/queue/next`, { data: { doctorId: doctor.id, idempotencyKey: key() } });
	expect((await called.json()).token).toBe(walkIn.token);
	await expect(phone.getByTestId('patient-queue')).toHaveAttribute('data-status', 'waiting');
	await expect(phone.getByTestId('my-position')).toContainText('آپ جلدی آ گئے ہیں');
	await Promise.all([admin, phone].map((p) => p.context().close()));
});

async function clinicZone(admin: Page): Promise<string> {
	return ((await (await admin.request.get(`${api()}/queue`)).json()) as { timezone: string }).timezone;
}
