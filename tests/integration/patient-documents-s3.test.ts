import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { testDatabase } from '../db';
import { startFakeS3, type FakeS3 } from '../fakeS3';
import { makeClinic, makeMember } from '../factories';
import { auditLog } from '../../src/lib/server/db/schema';
import { patientDocument } from '../../src/lib/server/db/schema/patients';
import { registerPatient } from '../../src/lib/server/patients/registerPatient';
import { uploadPatientDocument } from '../../src/lib/server/patients/uploadPatientDocument';
import { deletePatientDocument } from '../../src/lib/server/patients/deletePatientDocument';
import { openPatientDocument, readPatientDocument } from '../../src/lib/server/patients/recordQueries';
import { S3Store } from '../../src/lib/server/storage/s3';
import { checkFileStoreAtStart, setFileStore } from '../../src/lib/server/storage';
import type { S3Settings } from '../../src/lib/server/env';
import type { ClinicContext } from '../../src/lib/server/tenancy/context';
import type { Database } from '../../src/lib/server/db';
import { errorMessage } from '../../src/lib/i18n/errors';
import { overwriteGetLocale } from '../../src/lib/paraglide/runtime';

const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
const BUCKET = 'tabeeb-docs';

let database: Database;
let s3: FakeS3;
let desk: ClinicContext;
let patientId: string;
/** An address where nothing listens (a port that was free a moment ago). */
let nowhere: string;

const settings = (over: Partial<S3Settings> = {}): S3Settings => ({
	endpoint: s3.endpoint,
	bucket: BUCKET,
	region: s3.region,
	accessKeyId: s3.accessKeyId,
	secretAccessKey: s3.secretAccessKey,
	forcePathStyle: true,
	...over
});

beforeAll(async () => {
	database = await testDatabase();
	s3 = await startFakeS3({ buckets: [BUCKET] });
	const gone = await startFakeS3({ buckets: [] });
	nowhere = gone.endpoint;
	await gone.close();
	const clinic = await makeClinic(database.db);
	desk = { clinicId: clinic.id, actor: { userId: (await makeMember(database.db, clinic.id, 'reception')).id, role: 'reception' } };
	const result = await registerPatient(database.db, desk, { name: 'Bushra Awan' }, { allowDuplicate: true });
	if (result.status !== 'created') throw new Error('expected a new record');
	patientId = result.patient.id;
});
beforeEach(() => {
	s3.failWith = null;
	setFileStore(new S3Store(settings()));
});
afterAll(() => s3.close());

const rowsOf = async () => database.db.select().from(patientDocument).where(eq(patientDocument.patientId, patientId));

describe('patient documents in an S3-compatible bucket', () => {
	it('uploads the bytes to the bucket under the clinic, with their type', async () => {
		const doc = await uploadPatientDocument(database.db, desk, patientId, { kind: 'lab_report', fileName: 'cbc.pdf', bytes: PDF });
		expect(doc.storageKey).toMatch(new RegExp(`^${desk.clinicId}/[0-9a-f-]{36}$`));
		const object = s3.objects.get(`${BUCKET}/${doc.storageKey}`);
		expect(object?.contentType).toBe('application/pdf');
		expect(object && Buffer.compare(object.bytes, Buffer.from(PDF))).toBe(0);
	});

	it('streams the same bytes back with their length', async () => {
		const doc = await uploadPatientDocument(database.db, desk, patientId, { kind: 'id_scan', fileName: 'cnic.png', bytes: PNG });
		const opened = await openPatientDocument(database.db, desk.clinicId, patientId, doc.id);
		expect(opened?.document.contentType).toBe('image/png');
		expect(opened?.size).toBe(PNG.byteLength);
		const streamed = new Uint8Array(await new Response(opened?.body).arrayBuffer());
		expect(Buffer.from(streamed).equals(Buffer.from(PNG))).toBe(true);
	});

	it('keeps the object when the document is deleted from the record', async () => {
		const doc = await uploadPatientDocument(database.db, desk, patientId, { kind: 'other', fileName: 'a.pdf', bytes: PDF });
		await deletePatientDocument(database.db, desk, patientId, doc.id);
		expect(await readPatientDocument(database.db, desk.clinicId, patientId, doc.id)).toBeNull();
		expect(s3.objects.has(`${BUCKET}/${doc.storageKey}`)).toBe(true);
		expect(s3.requests.filter((r) => r.startsWith('DELETE'))).toEqual([]);
	});

	it('answers null for an object that is gone from the bucket', async () => {
		const doc = await uploadPatientDocument(database.db, desk, patientId, { kind: 'other', fileName: 'b.pdf', bytes: PDF });
		s3.objects.delete(`${BUCKET}/${doc.storageKey}`);
		expect(await openPatientDocument(database.db, desk.clinicId, patientId, doc.id)).toBeNull();
	});

	it.each([
		['answers 503', () => (s3.failWith = 503)],
		['refuses the credentials', () => setFileStore(new S3Store(settings({ secretAccessKey: 'not-the-secret' })))],
		['has no such bucket', () => setFileStore(new S3Store(settings({ bucket: 'no-such-bucket' })))],
		['cannot be reached', () => setFileStore(new S3Store(settings({ endpoint: nowhere })))]
	])('when the store %s, an upload fails with a translated error and leaves no row', async (_what, breakStore) => {
		const rows = (await rowsOf()).length;
		const audits = await database.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.entityId, patientId), eq(auditLog.action, 'patient.document.upload')));
		breakStore();
		const attempt = uploadPatientDocument(database.db, desk, patientId, { kind: 'other', fileName: 'c.pdf', bytes: PDF });
		await expect(attempt).rejects.toMatchObject({ code: 'storage_unavailable', status: 503, field: 'file' });
		expect(await rowsOf()).toHaveLength(rows);
		const after = await database.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.entityId, patientId), eq(auditLog.action, 'patient.document.upload')));
		expect(after).toHaveLength(audits.length);
	});

	it('reads a download failure as unavailable, not as a missing document', async () => {
		const doc = await uploadPatientDocument(database.db, desk, patientId, { kind: 'other', fileName: 'd.pdf', bytes: PDF });
		s3.failWith = 500;
		await expect(openPatientDocument(database.db, desk.clinicId, patientId, doc.id)).rejects.toMatchObject({ code: 'storage_unavailable', status: 503 });
	});

	it('says in both languages that documents cannot be stored right now', () => {
		expect(errorMessage('storage_unavailable')).toMatch(/cannot be saved or opened/);
		overwriteGetLocale(() => 'ur');
		try {
			expect(errorMessage('storage_unavailable')).toMatch(/دستاویزات/);
		} finally {
			overwriteGetLocale(() => 'en');
		}
	});
});

describe('checking the store at start', () => {
	it('passes with the right credentials and bucket', async () => {
		await expect(checkFileStoreAtStart(new S3Store(settings()))).resolves.toBeUndefined();
	});

	it.each([
		['a wrong secret', { secretAccessKey: 'wrong' }, /refused the credentials \(403 SignatureDoesNotMatch.*check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY/],
		['an unknown key id', { accessKeyId: 'NOBODY' }, /refused the credentials \(403 InvalidAccessKeyId/],
		['a missing bucket', { bucket: 'missing-bucket' }, /bucket "missing-bucket" does not exist at http:\/\/127\.0\.0\.1:\d+: create it, or fix S3_BUCKET/],
		['another region', { region: 'eu-west-1' }, /check S3_REGION and S3_ENDPOINT/]
	])('refuses to start with %s, naming the setting to fix', async (_what, over, message) => {
		const check = checkFileStoreAtStart(new S3Store(settings(over)));
		await expect(check).rejects.toThrow(/^Tabeeb cannot start: /);
		await expect(checkFileStoreAtStart(new S3Store(settings(over)))).rejects.toThrow(message);
	});

	it('starts anyway when the store cannot be reached, since it may come back', async () => {
		await expect(checkFileStoreAtStart(new S3Store(settings({ endpoint: nowhere })))).resolves.toBeUndefined();
	});
});

describe('object addresses', () => {
	it('puts the bucket in the path or in the host name', () => {
		const path = new S3Store(settings({ endpoint: 'https://minio.clinic.lan:9000', forcePathStyle: true }));
		const host = new S3Store(settings({ endpoint: 'https://s3.eu-central-1.amazonaws.com', forcePathStyle: false }));
		const key = '0b3c6f1e-0000-4000-8000-000000000001/7d1f2a9c-0000-4000-8000-000000000002';
		expect(path.objectUrl(key)).toBe(`https://minio.clinic.lan:9000/${BUCKET}/${key}`);
		expect(host.objectUrl(key)).toBe(`https://${BUCKET}.s3.eu-central-1.amazonaws.com/${key}`);
		expect(() => path.objectUrl('../other-clinic/x')).toThrow(/Invalid storage key/);
	});
});
