import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, startApp, type ApiClient, type App } from './http';
import { makeClinic, makeMember, makeSession, middayTimeZone, rand } from '../factories';
import { patient } from '../../src/lib/server/db/schema';
import { openedVisitView } from '../../src/lib/server/openapi/visits';
import { attachmentListView, attachmentView } from '../../src/lib/server/openapi/visitAttachments';

const ascii = (text: string) => new TextEncoder().encode(text);
const PDF = ascii('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46]);
const WEBM = Uint8Array.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84, ...ascii('webm'), 0x42, 0x87, 0x81, 0x04]);
const EXE = Uint8Array.from([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff]);

let app: App;
let code: string;
let otherCode: string;
const patients: string[] = [];
type Who = 'doctor' | 'secondDoctor' | 'nurse' | 'reception' | 'pharmacist' | 'otherDoctor';
const as = {} as Record<Who, ApiClient>;

const base = (c = code) => `/api/v1/clinics/${c}`;
const key = () => `key-${rand(8)}`;

beforeAll(async () => {
	const tokens = {} as Record<Who, string>;
	app = await startApp({
		seed: async (db) => {
			const home = await makeClinic(db, { timezone: middayTimeZone() });
			const other = await makeClinic(db);
			code = home.code;
			otherCode = other.code;
			const members = {
				doctor: await makeMember(db, home.id, 'doctor'),
				secondDoctor: await makeMember(db, home.id, 'doctor'),
				nurse: await makeMember(db, home.id, 'nurse'),
				reception: await makeMember(db, home.id, 'reception'),
				pharmacist: await makeMember(db, home.id, 'pharmacist'),
				otherDoctor: await makeMember(db, other.id, 'doctor')
			};
			for (const [who, user] of Object.entries(members)) tokens[who as Who] = await makeSession(db, user.id);
			const rows = await db
				.insert(patient)
				.values(Array.from({ length: 4 }, (_, i) => ({ clinicId: home.id, refNo: i + 1, name: `Attachment patient ${i} ${rand(2)}` })))
				.returning();
			patients.push(...rows.map((r) => r.id));
		}
	});
	for (const who of Object.keys(tokens) as Who[]) as[who] = app.client({ authorization: `Bearer ${tokens[who]}` });
}, 120_000);
afterAll(async () => {
	await app?.stop();
});

async function openFor(patientId: string) {
	const res = await as.doctor.post(`${base()}/visits`, { patientId, idempotencyKey: key() });
	expect(res.status, JSON.stringify(res.body)).toBe(201);
	return openedVisitView.parse(res.body).id;
}

/** A multipart body as a browser's FormData sends it, with its boundary in the content type. */
async function multipart(fields: Record<string, string>, file?: { bytes: Uint8Array; name: string; type?: string }) {
	const form = new FormData();
	for (const [name, value] of Object.entries(fields)) form.append(name, value);
	if (file) form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type ?? 'application/octet-stream' }), file.name);
	const request = new Request('http://multipart.invalid/', { method: 'POST', body: form });
	return { body: new Uint8Array(await request.arrayBuffer()), headers: { 'content-type': request.headers.get('content-type') ?? '' } };
}

async function upload(client: ApiClient, visitId: string, bytes: Uint8Array, name: string, fields: Record<string, string> = {}, c = code) {
	return client.request('POST', `${base(c)}/visits/${visitId}/attachments`, await multipart(fields, { bytes, name }));
}

describe('attachments on a visit, over the API', () => {
	let visitId: string;
	beforeAll(async () => {
		visitId = await openFor(patients[0]);
	});

	it('uploads a photo, a PDF and a voice note, lists them in order and serves each with its type and a download name', async () => {
		const photo = await upload(as.doctor, visitId, JPEG, 'wound photo.jpg', { idempotencyKey: key() });
		expect(photo.status, photo.text).toBe(201);
		expect(attachmentView.parse(photo.body)).toMatchObject({ kind: 'photo', contentType: 'image/jpeg', fileName: 'wound photo.jpg' });
		const pdf = await upload(as.nurse, visitId, PDF, 'Lab report.pdf', { kind: 'lab_report' });
		expect(attachmentView.parse(pdf.body)).toMatchObject({ kind: 'lab_report', contentType: 'application/pdf' });
		const note = await upload(as.doctor, visitId, WEBM, 'blob');
		expect(attachmentView.parse(note.body)).toMatchObject({ kind: 'voice_note', contentType: 'audio/webm', fileName: 'blob.webm' });

		const list = await as.secondDoctor.get(`${base()}/visits/${visitId}/attachments`);
		expect(list.status).toBe(200);
		const { attachments } = attachmentListView.parse(list.body);
		expect(attachments.map((a) => a.kind)).toEqual(['photo', 'lab_report', 'voice_note']);

		const download = await fetch(`${app.url}${base()}/visits/${visitId}/attachments/${attachments[0].id}`, { headers: as.secondDoctor.headers });
		expect(download.status).toBe(200);
		expect(download.headers.get('content-type')).toBe('image/jpeg');
		expect(download.headers.get('content-disposition')).toBe(`attachment; filename="wound photo.jpg"; filename*=UTF-8''wound%20photo.jpg`);
		expect(download.headers.get('x-content-type-options')).toBe('nosniff');
		expect(new Uint8Array(await download.arrayBuffer())).toEqual(JPEG);
		const audio = await fetch(`${app.url}${base()}/visits/${visitId}/attachments/${attachments[2].id}`, { headers: as.nurse.headers });
		expect(audio.headers.get('content-type')).toBe('audio/webm');
	});

	it('answers a retried upload with the same attachment', async () => {
		const k = key();
		const first = await upload(as.doctor, visitId, PDF, 'again.pdf', { idempotencyKey: k });
		const again = await upload(as.doctor, visitId, PDF, 'again.pdf', { idempotencyKey: k });
		expect(attachmentView.parse(again.body).id).toBe(attachmentView.parse(first.body).id);
	});

	it('refuses the desk and the pharmacy everything, and a doctor who is not the visit’s the upload', async () => {
		for (const who of ['reception', 'pharmacist'] as const) {
			expectError(await upload(as[who], visitId, JPEG, 'x.jpg'), 403, 'forbidden');
			expectError(await as[who].get(`${base()}/visits/${visitId}/attachments`), 403, 'forbidden');
		}
		const { attachments } = attachmentListView.parse((await as.doctor.get(`${base()}/visits/${visitId}/attachments`)).body);
		expectError(await as.reception.get(`${base()}/visits/${visitId}/attachments/${attachments[0].id}`), 403, 'forbidden');
		expectError(await upload(as.secondDoctor, visitId, JPEG, 'x.jpg'), 403, 'forbidden');
	});

	it('answers another clinic with not found, whichever code it uses', async () => {
		expectError(await upload(as.otherDoctor, visitId, JPEG, 'x.jpg', {}, otherCode), 404, 'not_found');
		expectError(await upload(as.otherDoctor, visitId, JPEG, 'x.jpg'), 404, 'not_found');
		expectError(await as.otherDoctor.get(`${base(otherCode)}/visits/${visitId}/attachments`), 404, 'not_found');
		const { attachments } = attachmentListView.parse((await as.doctor.get(`${base()}/visits/${visitId}/attachments`)).body);
		expectError(await as.otherDoctor.get(`${base(otherCode)}/visits/${visitId}/attachments/${attachments[0].id}`), 404, 'not_found');
	});

	it('refuses a wrong type, a missing file, a file over 10 MB and a JSON body, in the caller’s language', async () => {
		const before = attachmentListView.parse((await as.doctor.get(`${base()}/visits/${visitId}/attachments`)).body).attachments.length;
		const exe = await upload(as.doctor, visitId, EXE, 'report.pdf');
		expectError(exe, 400, 'attachment_type', 'file');
		const exeForm = await multipart({}, { bytes: EXE, name: 'x.pdf' });
		const urdu = await as.doctor.request('POST', `${base()}/visits/${visitId}/attachments`, {
			body: exeForm.body,
			headers: { ...exeForm.headers, 'accept-language': 'ur' }
		});
		expect(JSON.stringify(urdu.body)).toMatch(/[\u0600-\u06ff]/);
		expectError(await as.doctor.request('POST', `${base()}/visits/${visitId}/attachments`, await multipart({})), 400, 'field_required', 'file');
		const big = new Uint8Array(10 * 1024 * 1024 + 1);
		big.set(JPEG);
		expectError(await upload(as.doctor, visitId, big, 'huge.jpg'), 413, 'file_too_large', 'file');
		expectError(await as.doctor.post(`${base()}/visits/${visitId}/attachments`, { file: 'x' }), 415, 'unsupported_media_type');
		const after = attachmentListView.parse((await as.doctor.get(`${base()}/visits/${visitId}/attachments`)).body).attachments.length;
		expect(after).toBe(before);
	});

	it('answers an unknown visit and an unknown attachment with not found', async () => {
		expectError(await upload(as.doctor, crypto.randomUUID(), JPEG, 'x.jpg'), 404, 'not_found');
		expectError(await as.doctor.get(`${base()}/visits/${visitId}/attachments/${crypto.randomUUID()}`), 404, 'not_found');
		expectError(await as.doctor.get(`${base()}/visits/${visitId}/attachments/not-a-uuid`), 404, 'not_found');
	});
});
