import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedIn, startApp, type ApiClient, type App } from './http';
import { startFakeS3, type FakeS3 } from '../fakeS3';
import { PASSWORD, makeClinic, makeMember } from '../factories';
import { patientView } from '../../src/lib/server/openapi/patients';

/**
 * The built app (as `npm start` runs it) with S3_* set: documents go to the bucket and come
 * back from it through the staff pages, and a wrong setting stops the start with a clear line.
 */
const BUCKET = 'clinic-documents';
const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

let s3: FakeS3;
let app: App;
let desk: ApiClient;
let clinic: { id: string; code: string };
let patientId: string;

const s3Env = (over: Record<string, string> = {}) => ({
	S3_ENDPOINT: s3.endpoint,
	S3_BUCKET: BUCKET,
	S3_REGION: s3.region,
	S3_ACCESS_KEY_ID: s3.accessKeyId,
	S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
	S3_FORCE_PATH_STYLE: 'true',
	...over
});

beforeAll(async () => {
	s3 = await startFakeS3({ buckets: [BUCKET] });
	let email = '';
	app = await startApp({
		env: s3Env(),
		seed: async (db) => {
			clinic = await makeClinic(db);
			email = (await makeMember(db, clinic.id, 'reception')).email;
		}
	});
	desk = await signedIn(app, email, PASSWORD);
	const created = await desk.post(`/api/v1/clinics/${clinic.code}/patients`, { name: 'Rubina Cheema', allowDuplicate: true });
	expect(created.status, created.text).toBe(201);
	patientId = patientView.parse(created.body).id;
}, 90_000);
afterAll(async () => {
	await app?.stop();
	await s3?.close();
});

const page = () => `/${clinic.code}/patients/${patientId}`;

/** Submits the page's upload form as the browser's enhanced form does. */
async function upload(bytes: Uint8Array, fileName: string) {
	const form = new FormData();
	form.set('kind', 'lab_report');
	form.set('file', new File([new Uint8Array(bytes)], fileName));
	const encoded = new Response(form);
	return desk.request('POST', `${page()}?/upload`, {
		body: new Uint8Array(await encoded.arrayBuffer()),
		headers: { 'content-type': encoded.headers.get('content-type') ?? '', origin: app.url, accept: 'application/json', 'x-sveltekit-action': 'true' }
	});
}

async function documentIds(): Promise<string[]> {
	const html = (await desk.get(page())).text;
	return [...html.matchAll(new RegExp(`${page()}/documents/([0-9a-f-]{36})`, 'g'))].map((m) => m[1]);
}

describe('patient documents through the app, stored in S3', () => {
	it('uploads into the bucket under the clinic and downloads the same bytes as a PDF', async () => {
		const before = await documentIds();
		const res = await upload(PDF, 'blood count.pdf');
		expect(res.status, res.text).toBe(200);
		expect(res.text).toContain('success');
		const [added] = (await documentIds()).filter((id) => !before.includes(id));
		expect(added).toBeDefined();
		const keys = [...s3.objects.keys()].filter((k) => k.startsWith(`${BUCKET}/${clinic.id}/`));
		expect(keys).toHaveLength(before.length + 1);

		const download = await fetch(`${app.url}${page()}/documents/${added}`, { headers: { cookie: cookieOf(desk) } });
		expect(download.status).toBe(200);
		expect(download.headers.get('content-type')).toBe('application/pdf');
		expect(download.headers.get('content-length')).toBe(String(PDF.byteLength));
		expect(Buffer.from(await download.arrayBuffer()).equals(Buffer.from(PDF))).toBe(true);
	});

	it('tells the desk, in Urdu too, that the store is down, and lists nothing new', async () => {
		const before = await documentIds();
		s3.failWith = 503;
		try {
			const english = await upload(PDF, 'x.pdf');
			expect(english.text).toContain('cannot be saved or opened right now');
			expect(english.text).toContain('storage_unavailable');
			desk.cookies.set('PARAGLIDE_LOCALE', 'ur');
			const urdu = await upload(PDF, 'x.pdf');
			expect(urdu.text).toContain('دستاویزات اس وقت محفوظ');
		} finally {
			desk.cookies.delete('PARAGLIDE_LOCALE');
			s3.failWith = null;
		}
		expect(await documentIds()).toEqual(before);
	});
});

describe('starting with a wrong S3 setting', () => {
	it('stops with the setting to fix when the secret is wrong', async () => {
		await expect(startApp({ env: s3Env({ S3_SECRET_ACCESS_KEY: 'not-the-secret' }) })).rejects.toThrow(
			/Tabeeb cannot start: The S3 store refused the credentials \(403 SignatureDoesNotMatch.*check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY/
		);
	});

	it('stops when the store is half configured', async () => {
		await expect(startApp({ env: { S3_BUCKET: BUCKET } })).rejects.toThrow(/half configured \(S3_BUCKET set\)/);
	});
});

function cookieOf(client: ApiClient): string {
	return [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
}
