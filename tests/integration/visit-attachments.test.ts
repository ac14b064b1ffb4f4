import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { testDatabase } from '../db';
import { makeClinic, makeMember } from '../factories';
import { ctxOf, key, makePatient } from './queueScene';
import { auditLog } from '../../src/lib/server/db/schema';
import { openVisit } from '../../src/lib/server/visits/openVisit';
import { writeChart } from '../../src/lib/server/visits/writeChart';
import { completeVisit } from '../../src/lib/server/visits/completeVisit';
import { addAttachment } from '../../src/lib/server/visits/addAttachment';
import { listVisitAttachments, openVisitAttachment } from '../../src/lib/server/visits/attachments';
import { sniffAttachmentType } from '../../src/lib/server/visits/attachmentType';
import { deletePatientDocument } from '../../src/lib/server/patients/deletePatientDocument';
import { listPatientDocuments, openPatientDocument } from '../../src/lib/server/patients/recordQueries';
import { FilesystemStore } from '../../src/lib/server/storage/filesystem';
import { setFileStore } from '../../src/lib/server/storage';
import type { ClinicContext } from '../../src/lib/server/tenancy/context';
import type { Database } from '../../src/lib/server/db';

const ascii = (text: string) => new TextEncoder().encode(text);
const PDF = ascii('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
/** The start of what Chromium's MediaRecorder writes: an EBML header naming the `webm` DocType. */
const WEBM = Uint8Array.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84, ...ascii('webm'), 0x42, 0x87, 0x81, 0x04]);
const OGG = ascii('OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00');
const M4A = ascii('\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00');
const MKV = Uint8Array.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x88, ...ascii('matroska')]);
const HTML = ascii('<!DOCTYPE html><html><script>alert(document.cookie)</script></html>');

let database: Database;
let root: string;
let doctor: ClinicContext, colleague: ClinicContext, nurse: ClinicContext, desk: ClinicContext, pharmacist: ClinicContext, elsewhere: ClinicContext;

beforeAll(async () => {
	database = await testDatabase();
	root = mkdtempSync(join(tmpdir(), 'tabeeb-attachments-'));
	setFileStore(new FilesystemStore(root));
	const db = database.db;
	const home = await makeClinic(db);
	const other = await makeClinic(db);
	doctor = ctxOf(home.id, (await makeMember(db, home.id, 'doctor')).id, 'doctor');
	colleague = ctxOf(home.id, (await makeMember(db, home.id, 'doctor')).id, 'doctor');
	nurse = ctxOf(home.id, (await makeMember(db, home.id, 'nurse')).id, 'nurse');
	desk = ctxOf(home.id, (await makeMember(db, home.id, 'reception')).id, 'reception');
	pharmacist = ctxOf(home.id, (await makeMember(db, home.id, 'pharmacist')).id, 'pharmacist');
	elsewhere = ctxOf(other.id, (await makeMember(db, other.id, 'doctor')).id, 'doctor');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function newVisit() {
	const patient = await makePatient(database.db, doctor.clinicId);
	const visit = await openVisit(database.db, doctor, { patientId: patient.id, setting: 'clinic', idempotencyKey: key() });
	return { patientId: patient.id, visitId: visit.id };
}

const storedFiles = () => readdirSync(join(root, doctor.clinicId)).length;
const attach = (ctx: ClinicContext, visitId: string, bytes: Uint8Array, fields: Record<string, unknown> = {}) =>
	addAttachment(database.db, ctx, visitId, { fields: { fileName: 'file', ...fields }, bytes });

describe('sniffAttachmentType', () => {
	it('knows photos, PDFs and recorded audio by their first bytes, and nothing else', () => {
		expect([PNG, PDF, WEBM, OGG, M4A].map(sniffAttachmentType)).toEqual(['image/png', 'application/pdf', 'audio/webm', 'audio/ogg', 'audio/mp4']);
		expect([HTML, MKV, new Uint8Array(), ascii('Ogg')].map(sniffAttachmentType)).toEqual([null, null, null, null]);
	});
});

describe('attaching to a visit', () => {
	it('stores a photo, a PDF and a voice note under the visit, kinds and types from the bytes, and audits each', async () => {
		const { visitId } = await newVisit();
		const photo = await attach(doctor, visitId, PNG, { fileName: 'wound.jpeg' });
		const report = await attach(nurse, visitId, PDF, { fileName: 'cbc.pdf', kind: 'lab_report' });
		const note = await attach(doctor, visitId, WEBM, { fileName: '' });
		expect(photo).toMatchObject({ kind: 'photo', contentType: 'image/png', fileName: 'wound.png', sizeBytes: PNG.byteLength });
		expect(report).toMatchObject({ kind: 'lab_report', contentType: 'application/pdf', fileName: 'cbc.pdf' });
		expect(note).toMatchObject({ kind: 'voice_note', contentType: 'audio/webm', fileName: 'voice-note.webm' });
		const listed = await listVisitAttachments(database.db, colleague, visitId);
		expect(listed.map((a) => a.id)).toEqual([photo.id, report.id, note.id]);
		const audits = await database.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.entityId, visitId), eq(auditLog.action, 'visit.attachment.add')));
		expect(audits).toHaveLength(3);
	});

	it('refuses the desk, the pharmacy, a doctor who is not the visit’s, and another clinic, storing nothing', async () => {
		const { visitId } = await newVisit();
		await attach(doctor, visitId, PNG);
		const before = storedFiles();
		for (const ctx of [desk, pharmacist, colleague]) await expect(attach(ctx, visitId, PNG)).rejects.toMatchObject({ status: 403, code: 'forbidden' });
		await expect(attach(elsewhere, visitId, PNG)).rejects.toMatchObject({ status: 404 });
		for (const ctx of [desk, pharmacist]) await expect(listVisitAttachments(database.db, ctx, visitId)).rejects.toMatchObject({ status: 403 });
		await expect(listVisitAttachments(database.db, elsewhere, visitId)).rejects.toMatchObject({ status: 404 });
		expect(storedFiles()).toBe(before);
	});

	it('refuses another type, an empty file and one over 10 MB with their codes, storing nothing', async () => {
		const { visitId } = await newVisit();
		const before = storedFiles();
		await expect(attach(doctor, visitId, HTML)).rejects.toMatchObject({ status: 400, code: 'attachment_type', field: 'file' });
		await expect(attach(doctor, visitId, MKV)).rejects.toMatchObject({ code: 'attachment_type' });
		await expect(attach(doctor, visitId, new Uint8Array())).rejects.toMatchObject({ status: 400, code: 'field_required', field: 'file' });
		const big = new Uint8Array(10 * 1024 * 1024 + 1);
		big.set(PNG);
		await expect(attach(doctor, visitId, big)).rejects.toMatchObject({ status: 413, code: 'file_too_large' });
		await expect(attach(doctor, visitId, PNG, { kind: 'id_scan' })).rejects.toMatchObject({ status: 400 });
		expect(storedFiles()).toBe(before);
		expect(await listVisitAttachments(database.db, doctor, visitId)).toEqual([]);
	});

	it('attaches once for a retried upload with the same key, keeping one copy of the bytes', async () => {
		const { visitId } = await newVisit();
		const k = key();
		const first = await attach(doctor, visitId, WEBM, { idempotencyKey: k });
		const before = storedFiles();
		const again = await attach(doctor, visitId, WEBM, { idempotencyKey: k });
		expect(again.id).toBe(first.id);
		expect(storedFiles()).toBe(before);
		expect(await listVisitAttachments(database.db, doctor, visitId)).toHaveLength(1);
	});

	it('still takes attachments after the visit is completed, like an addendum', async () => {
		const { visitId } = await newVisit();
		await writeChart(database.db, doctor, visitId, { reason: 'Follow-up of a wound' });
		await completeVisit(database.db, doctor, visitId, { idempotencyKey: key() });
		await expect(attach(nurse, visitId, PNG)).resolves.toMatchObject({ kind: 'photo' });
		await expect(attach(colleague, visitId, PNG)).rejects.toMatchObject({ status: 403 });
	});
});

describe('reading and keeping attachments', () => {
	it('streams the bytes to the clinic’s clinicians and audits each opening, refusing everyone else', async () => {
		const { visitId } = await newVisit();
		const photo = await attach(doctor, visitId, PNG);
		const opened = await openVisitAttachment(database.db, colleague, visitId, photo.id);
		expect(opened.document.contentType).toBe('image/png');
		expect(new Uint8Array(await new Response(opened.body).arrayBuffer())).toEqual(PNG);
		const views = await database.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.entityId, visitId), eq(auditLog.action, 'visit.attachment.view')));
		expect(views).toHaveLength(1);
		expect(views[0]).toMatchObject({ actorUserId: colleague.actor.userId, data: expect.objectContaining({ documentId: photo.id }) });
		await expect(openVisitAttachment(database.db, desk, visitId, photo.id)).rejects.toMatchObject({ status: 403 });
		await expect(openVisitAttachment(database.db, elsewhere, visitId, photo.id)).rejects.toMatchObject({ status: 404 });
		const { visitId: otherVisit } = await newVisit();
		await expect(openVisitAttachment(database.db, doctor, otherVisit, photo.id)).rejects.toMatchObject({ status: 404 });
	});

	it('keeps them out of the desk’s patient documents, and refuses to delete one (append-only)', async () => {
		const { patientId, visitId } = await newVisit();
		const photo = await attach(doctor, visitId, PNG);
		expect(await listPatientDocuments(database.db, desk.clinicId, patientId)).toEqual([]);
		expect(await openPatientDocument(database.db, desk.clinicId, patientId, photo.id)).toBeNull();
		await expect(deletePatientDocument(database.db, desk, patientId, photo.id)).rejects.toMatchObject({ status: 409, code: 'attachment_append_only' });
		expect(await listVisitAttachments(database.db, doctor, visitId)).toHaveLength(1);
	});
});
