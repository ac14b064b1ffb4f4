import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { testDatabase } from '../db';
import { makeClinic, makeMember } from '../factories';
import { auditLog } from '../../src/lib/server/db/schema';
import { patientDocument } from '../../src/lib/server/db/schema/patients';
import { registerPatient } from '../../src/lib/server/patients/registerPatient';
import { mergePatients } from '../../src/lib/server/patients/mergePatients';
import { uploadPatientDocument } from '../../src/lib/server/patients/uploadPatientDocument';
import { deletePatientDocument } from '../../src/lib/server/patients/deletePatientDocument';
import { listPatientDocuments, openPatientDocument, readPatientDocument } from '../../src/lib/server/patients/recordQueries';
import { MAX_DOCUMENT_BYTES, sniffDocumentType } from '../../src/lib/server/patients/fileType';
import { FilesystemStore } from '../../src/lib/server/storage/filesystem';
import { setFileStore } from '../../src/lib/server/storage';
import type { ClinicContext } from '../../src/lib/server/tenancy/context';
import type { Database } from '../../src/lib/server/db';

const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46]);
const WEBP = new TextEncoder().encode('RIFF\x24\x00\x00\x00WEBPVP8 ');
const EXE = Uint8Array.from([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff]);
const HTML = new TextEncoder().encode('<!DOCTYPE html><html><script>alert(document.cookie)</script></html>');
const SVG = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>');

let database: Database;
let root: string;
let desk: ClinicContext, pharmacist: ClinicContext, otherDesk: ClinicContext;
let patientId: string;

beforeAll(async () => {
	database = await testDatabase();
	root = mkdtempSync(join(tmpdir(), 'tabeeb-files-'));
	setFileStore(new FilesystemStore(root));
	const clinic = await makeClinic(database.db);
	const other = await makeClinic(database.db);
	desk = { clinicId: clinic.id, actor: { userId: (await makeMember(database.db, clinic.id, 'reception')).id, role: 'reception' } };
	pharmacist = { clinicId: clinic.id, actor: { userId: (await makeMember(database.db, clinic.id, 'pharmacist')).id, role: 'pharmacist' } };
	otherDesk = { clinicId: other.id, actor: { userId: (await makeMember(database.db, other.id, 'reception')).id, role: 'reception' } };
	patientId = await newPatient('Saima Noor');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function newPatient(name: string) {
	const result = await registerPatient(database.db, desk, { name }, { allowDuplicate: true });
	if (result.status !== 'created') throw new Error('expected a new record');
	return result.patient.id;
}

const storedFiles = () => readdirSync(join(root, desk.clinicId), { recursive: false }).length;

describe('sniffDocumentType', () => {
	it('knows PDF, PNG, JPEG and WebP by their first bytes, and nothing else', () => {
		expect([PDF, PNG, JPEG, WEBP].map(sniffDocumentType)).toEqual(['application/pdf', 'image/png', 'image/jpeg', 'image/webp']);
		expect([EXE, HTML, SVG, new Uint8Array(), new TextEncoder().encode('%PD')].map(sniffDocumentType)).toEqual([null, null, null, null, null]);
	});
});

describe('uploadPatientDocument', () => {
	it('stores the bytes under the clinic, with the type the bytes show and an audit row', async () => {
		const doc = await uploadPatientDocument(database.db, desk, patientId, { kind: 'lab_report', fileName: 'C:\\scans\\cbc "march".PDF', bytes: PDF });
		expect(doc).toMatchObject({ kind: 'lab_report', contentType: 'application/pdf', sizeBytes: PDF.byteLength, fileName: 'cbc march.pdf' });
		expect(doc.storageKey).toMatch(new RegExp(`^${desk.clinicId}/[0-9a-f-]{36}$`));
		const read = await readPatientDocument(database.db, desk.clinicId, patientId, doc.id);
		expect(Buffer.from(read!.bytes).equals(Buffer.from(PDF))).toBe(true);
		const audits = await database.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.clinicId, desk.clinicId), eq(auditLog.action, 'patient.document.upload')));
		expect(audits.map((a) => a.entityId)).toContain(patientId);
	});

	it('streams the stored bytes back with their length', async () => {
		const doc = await uploadPatientDocument(database.db, desk, patientId, { kind: 'id_scan', fileName: 'front.png', bytes: PNG });
		const opened = await openPatientDocument(database.db, desk.clinicId, patientId, doc.id);
		expect(opened?.size).toBe(PNG.byteLength);
		expect(Buffer.from(await new Response(opened?.body).arrayBuffer()).equals(Buffer.from(PNG))).toBe(true);
		expect(await openPatientDocument(database.db, otherDesk.clinicId, patientId, doc.id)).toBeNull();
	});

	it('names the real type even when the name says otherwise', async () => {
		const doc = await uploadPatientDocument(database.db, desk, patientId, { kind: 'id_scan', fileName: 'cnic.pdf', bytes: JPEG });
		expect(doc).toMatchObject({ contentType: 'image/jpeg', fileName: 'cnic.jpg' });
	});

	it.each([
		['a renamed .exe', 'report.pdf', EXE],
		['an HTML page', 'letter.pdf', HTML],
		['an SVG image', 'scan.png', SVG]
	])('refuses %s, storing nothing', async (_what, fileName, bytes) => {
		const before = storedFiles();
		const rows = (await listPatientDocuments(database.db, desk.clinicId, patientId)).length;
		await expect(uploadPatientDocument(database.db, desk, patientId, { kind: 'other', fileName, bytes })).rejects.toMatchObject({
			code: 'file_type',
			field: 'file'
		});
		expect(storedFiles()).toBe(before);
		expect(await listPatientDocuments(database.db, desk.clinicId, patientId)).toHaveLength(rows);
	});

	it('refuses a file over 10 MB and an empty one', async () => {
		const big = new Uint8Array(MAX_DOCUMENT_BYTES + 1);
		big.set(PDF);
		await expect(uploadPatientDocument(database.db, desk, patientId, { kind: 'other', fileName: 'big.pdf', bytes: big })).rejects.toMatchObject({
			code: 'file_too_large',
			status: 413,
			field: 'file'
		});
		const exact = new Uint8Array(MAX_DOCUMENT_BYTES);
		exact.set(PDF);
		expect((await uploadPatientDocument(database.db, desk, patientId, { kind: 'other', fileName: 'exact.pdf', bytes: exact })).sizeBytes).toBe(
			MAX_DOCUMENT_BYTES
		);
		await expect(uploadPatientDocument(database.db, desk, patientId, { kind: 'other', fileName: 'e.pdf', bytes: new Uint8Array() })).rejects.toMatchObject({
			code: 'field_required'
		});
	});

	it('refuses an unknown kind, a pharmacist, another clinic and a merged record', async () => {
		await expect(
			uploadPatientDocument(database.db, desk, patientId, { kind: 'x-ray; DROP TABLE patient', fileName: 'a.pdf', bytes: PDF })
		).rejects.toMatchObject({
			status: 400,
			field: 'kind'
		});
		await expect(uploadPatientDocument(database.db, pharmacist, patientId, { kind: 'other', fileName: 'a.pdf', bytes: PDF })).rejects.toMatchObject({
			status: 403
		});
		await expect(uploadPatientDocument(database.db, otherDesk, patientId, { kind: 'other', fileName: 'a.pdf', bytes: PDF })).rejects.toMatchObject({
			status: 404
		});
		const survivor = await newPatient('Merged Survivor');
		const duplicate = await newPatient('Merged Duplicate');
		await mergePatients(database.db, desk, survivor, { mergeId: duplicate });
		await expect(uploadPatientDocument(database.db, desk, duplicate, { kind: 'other', fileName: 'a.pdf', bytes: PDF })).rejects.toMatchObject({ status: 404 });
	});
});

describe('deletePatientDocument', () => {
	it('hides the document but keeps the row, who deleted it and the audit', async () => {
		const doc = await uploadPatientDocument(database.db, desk, patientId, { kind: 'insurance_card', fileName: 'card.png', bytes: PNG });
		await deletePatientDocument(database.db, desk, patientId, doc.id);
		expect((await listPatientDocuments(database.db, desk.clinicId, patientId)).map((d) => d.id)).not.toContain(doc.id);
		expect(await readPatientDocument(database.db, desk.clinicId, patientId, doc.id)).toBeNull();
		const [row] = await database.db.select().from(patientDocument).where(eq(patientDocument.id, doc.id));
		expect(row.deletedAt).toBeInstanceOf(Date);
		expect(row.deletedBy).toBe(desk.actor.userId);
		await expect(deletePatientDocument(database.db, desk, patientId, doc.id)).rejects.toMatchObject({ status: 404 });
	});

	it('answers 404 for another clinic, and 403 for a pharmacist, changing nothing', async () => {
		const doc = await uploadPatientDocument(database.db, desk, patientId, { kind: 'referral_letter', fileName: 'ref.webp', bytes: WEBP });
		await expect(deletePatientDocument(database.db, otherDesk, patientId, doc.id)).rejects.toMatchObject({ status: 404 });
		await expect(deletePatientDocument(database.db, pharmacist, patientId, doc.id)).rejects.toMatchObject({ status: 403 });
		await expect(deletePatientDocument(database.db, desk, patientId, "1' OR '1'='1")).rejects.toMatchObject({ status: 404 });
		expect(await readPatientDocument(database.db, otherDesk.clinicId, patientId, doc.id)).toBeNull();
		expect((await listPatientDocuments(database.db, desk.clinicId, patientId)).map((d) => d.id)).toContain(doc.id);
	});

	it('moves documents with a merge', async () => {
		const survivor = await newPatient('Doc Survivor');
		const duplicate = await newPatient('Doc Duplicate');
		const doc = await uploadPatientDocument(database.db, desk, duplicate, { kind: 'other', fileName: 'a.pdf', bytes: PDF });
		const merged = await mergePatients(database.db, desk, survivor, { mergeId: duplicate });
		expect(merged.moved.patient_document).toBe(1);
		expect((await listPatientDocuments(database.db, desk.clinicId, survivor)).map((d) => d.id)).toEqual([doc.id]);
	});
});
