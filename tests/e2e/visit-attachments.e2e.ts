import { mkdirSync } from 'node:fs';
import type { Browser, Page } from '@playwright/test';
import { ADMIN, CLINIC, expect, expectAccessible, pageFor, PASSWORD, rand, signIn, test } from './fixtures';

// Chromium's fake microphone (a beep) and an automatic "Allow": MediaRecorder records without a person.
test.use({
	launchOptions: {
		executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-background-networking',
			'--disable-component-update',
			'--use-fake-device-for-media-stream',
			'--use-fake-ui-for-media-stream'
		]
	}
});

const api = () => `/api/v1/clinics/${CLINIC.code}`;
const key = () => `e2e-${rand()}${rand()}`;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

/** With ATTACH_SCREENSHOTS=<dir>, keeps pictures of the attachments section for review. */
async function screenshot(page: Page, name: string) {
	const dir = process.env.ATTACH_SCREENSHOTS;
	if (!dir) return;
	mkdirSync(dir, { recursive: true });
	await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
	await page.getByTestId('chart-attachments').screenshot({ path: `${dir}/${name}-section.png` });
}

async function signedIn(browser: Browser, email: string, options: { locale?: 'ur'; phone?: boolean } = {}): Promise<Page> {
	const context = await browser.newContext({
		permissions: ['microphone'],
		...(options.phone ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } : {})
	});
	if (options.locale) await context.addCookies([{ name: 'PARAGLIDE_LOCALE', value: options.locale, url: 'http://localhost' }]);
	const page = await context.newPage();
	await signIn(page, email, PASSWORD);
	await expect(page).toHaveURL(/\/[A-Z0-9]{3,8}$/);
	return page;
}

/** A real PNG of a drawn "wound", made by the browser's canvas, so the thumbnail has something to show. */
async function woundPhoto(page: Page): Promise<Buffer> {
	const dataUrl = await page.evaluate(() => {
		const canvas = document.createElement('canvas');
		canvas.width = 320;
		canvas.height = 240;
		const g = canvas.getContext('2d');
		if (!g) return '';
		g.fillStyle = '#f1d3c2';
		g.fillRect(0, 0, 320, 240);
		g.fillStyle = '#b4413a';
		g.beginPath();
		g.ellipse(160, 120, 70, 22, 0.4, 0, Math.PI * 2);
		g.fill();
		return canvas.toDataURL('image/png');
	});
	return Buffer.from(dataUrl.split(',')[1] ?? '', 'base64');
}

test('a doctor attaches a wound photo and a lab report and records a voice note; a nurse sees and plays them, the desk never', async ({ browser }) => {
	const admin = await pageFor(browser, ADMIN.email, ADMIN.password);
	const people = {
		doctor: { name: `Dr Ayesha ${rand()}`, email: `ayesha-${rand()}@clinic.test`, role: 'doctor' },
		nurse: { name: `Nurse Sana ${rand()}`, email: `sana-${rand()}@clinic.test`, role: 'nurse' },
		desk: { name: `Desk Omar ${rand()}`, email: `omar-${rand()}@clinic.test`, role: 'reception' }
	};
	for (const person of Object.values(people)) {
		const res = await admin.request.post(`${api()}/members`, { data: { ...person, password: PASSWORD } });
		expect(res.status(), await res.text()).toBe(201);
	}
	const patientName = `Kamran Butt ${rand()}`;
	const patient = await admin.request.post(`${api()}/patients`, { data: { name: patientName, dateOfBirth: '1975-09-12', sex: 'male', allowDuplicate: true } });
	expect(patient.status(), await patient.text()).toBe(201);

	const doctor = await signedIn(browser, people.doctor.email);
	const opened = await doctor.request.post(`${api()}/visits`, { data: { patientId: (await patient.json()).id, setting: 'clinic', idempotencyKey: key() } });
	expect(opened.status(), await opened.text()).toBe(201);
	const visitId: string = (await opened.json()).id;
	const chartUrl = `/${CLINIC.code}/visits/${visitId}`;

	// The chart page alone may use the microphone and play blob: media; other pages keep both off.
	const response = await doctor.goto(chartUrl);
	expect(response?.headers()['permissions-policy']).toContain('microphone=(self)');
	expect(response?.headers()['content-security-policy']).toMatch(/media-src [^;]*blob:/);
	const queue = await doctor.request.get(`/${CLINIC.code}/queue`);
	expect(queue.headers()['permissions-policy']).toContain('microphone=()');

	const section = doctor.getByTestId('chart-attachments');
	await expect(section.getByRole('heading', { name: 'Attachments' })).toBeVisible();
	await expect(section).toContainText('No photos, PDFs or voice notes yet.');

	// A photo and a PDF from the file chooser; the photo shows as a thumbnail, the PDF as a link.
	await doctor.getByTestId('attach-file').setInputFiles([
		{ name: 'wound.png', mimeType: 'image/png', buffer: await woundPhoto(doctor) },
		{ name: 'CBC report.pdf', mimeType: 'application/pdf', buffer: PDF }
	]);
	const thumbnail = doctor.getByTestId('attachment-photos').getByRole('img', { name: 'wound.png' });
	await expect(thumbnail).toBeVisible();
	await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(320);
	await expect(doctor.getByTestId('attachment-pdfs').getByRole('link', { name: /^PDF: \W?CBC report\.pdf\W?$/ })).toBeVisible();

	// Anything else is refused with the server's sentence, and nothing is added.
	await doctor.getByTestId('attach-file').setInputFiles({ name: 'notes.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<html>not a pdf</html>') });
	await expect(doctor.getByTestId('attach-error')).toHaveText('Only photos (JPEG, PNG, WebP), PDF files and voice notes can be attached.');

	// A voice note: record (the elapsed time runs), stop, listen to the take, save it.
	await doctor.getByTestId('voice-record').click();
	await expect(doctor.getByTestId('voice-elapsed')).toHaveText(/Recording 0:0[2-9]/);
	await screenshot(doctor, 'recording-en');
	await doctor.getByTestId('voice-stop').click();
	const take = doctor.getByTestId('voice-take').locator('audio');
	await expect(take).toHaveAttribute('src', /^blob:/);
	await expect.poll(() => take.evaluate((a: HTMLAudioElement) => a.readyState)).toBeGreaterThan(0);
	await doctor.getByTestId('voice-save').click();
	await expect(doctor.getByTestId('voice-take')).toHaveCount(0);
	const saved = doctor.getByTestId('attachment-voice-notes').locator('audio');
	await expect(saved).toHaveCount(1);
	await expect.poll(() => saved.evaluate((a: HTMLAudioElement) => a.readyState)).toBeGreaterThan(0);
	await expect(doctor.getByTestId('attach-error')).toHaveCount(0);
	await screenshot(doctor, 'doctor-en');
	await expectAccessible(doctor);

	const { attachments } = await (await doctor.request.get(`${api()}/visits/${visitId}/attachments`)).json();
	expect(attachments.map((a: { kind: string; contentType: string }) => `${a.kind} ${a.contentType}`)).toEqual([
		'photo image/png',
		'other application/pdf',
		'voice_note audio/webm'
	]);

	// The nurse, on her phone and in Urdu, finds all three on the chart (right to left) and can play the note.
	const nurse = await signedIn(browser, people.nurse.email, { locale: 'ur', phone: true });
	await nurse.goto(chartUrl);
	await expect(nurse.locator('html')).toHaveAttribute('dir', 'rtl');
	const hers = nurse.getByTestId('chart-attachments');
	await expect(hers.getByRole('heading', { name: 'منسلکات' })).toBeVisible();
	await expect(hers.getByRole('button', { name: 'صوتی نوٹ ریکارڈ کریں' })).toBeVisible();
	await expect(nurse.getByTestId('attachment-photos').getByRole('img')).toHaveCount(1);
	await expect(nurse.getByTestId('attachment-voice-notes').locator('audio')).toHaveCount(1);
	const width = await nurse.evaluate(() => document.documentElement.scrollWidth);
	expect(width).toBeLessThanOrEqual(390);
	await hers.scrollIntoViewIfNeeded();
	await screenshot(nurse, 'nurse-ur-phone');
	await nurse.setViewportSize({ width: 1280, height: 900 });
	await screenshot(nurse, 'nurse-ur-desktop');

	// The desk never sees the chart or its attachments.
	const desk = await signedIn(browser, people.desk.email);
	expect((await desk.goto(chartUrl))?.status()).toBe(404);
	expect((await desk.request.get(`${api()}/visits/${visitId}/attachments`)).status()).toBe(403);
	expect((await desk.request.get(`${api()}/visits/${visitId}/attachments/${attachments[0].id}`)).status()).toBe(403);
});
