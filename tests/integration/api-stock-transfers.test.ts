import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, errorOf, signedIn, startApp, type ApiClient, type App } from './http';
import { PASSWORD, makeClinic, makeMember, rand } from '../factories';
import { branchOf, inDays } from '../pharmacyScene';
import { ctxOf } from './queueScene';
import { medicine } from '../../src/lib/server/db/schema';
import { receiveBatch } from '../../src/lib/server/pharmacy/stock';
import { transferView } from '../../src/lib/server/openapi/stockOps';

let app: App;
let code: string;
let branchCode: string;
let batchId: string;
let pharmacist: ApiClient, urduPharmacist: ApiClient, doctor: ApiClient;

beforeAll(async () => {
	const emails: Record<string, string> = {};
	app = await startApp({
		seed: async (db) => {
			const home = await makeClinic(db);
			code = home.code;
			branchCode = (await branchOf(db, home.id)).branch.code;
			const p = await makeMember(db, home.id, 'pharmacist');
			emails.pharmacist = p.email;
			emails.doctor = (await makeMember(db, home.id, 'doctor')).email;
			const [med] = await db
				.insert(medicine)
				.values({ clinicId: home.id, genericName: `httpmycin ${rand(6)}`, form: 'tablet', strength: '10 mg', route: 'oral', source: 'clinic' })
				.returning();
			const batch = await receiveBatch(db, ctxOf(home.id, p.id, 'pharmacist'), med.id, {
				batchNumber: 'H-1',
				expiry: inDays(100),
				quantity: 30,
				costPrice: 10,
				salePrice: 20
			});
			batchId = batch.id;
		}
	});
	pharmacist = await signedIn(app, emails.pharmacist, PASSWORD);
	urduPharmacist = await signedIn(app, emails.pharmacist, PASSWORD, { 'accept-language': 'ur' });
	doctor = await signedIn(app, emails.doctor, PASSWORD);
}, 180_000);
afterAll(async () => {
	await app?.stop();
});

const path = () => `/api/v1/clinics/${code}/stock/transfers`;

describe('POST …/stock/transfers over HTTP', () => {
	it('answers 201 with both sides, and the same answer to a retry with the same Idempotency-Key', async () => {
		const headers = { 'idempotency-key': `key-${rand(8)}` };
		const first = await pharmacist.post(path(), { batchId, quantity: 4, toClinic: branchCode.toLowerCase() }, { headers });
		expect(first.status, first.text).toBe(201);
		const done = transferView.parse(first.body);
		expect(done).toMatchObject({ quantity: 4, from: { batchId, onHand: 26 }, to: { clinic: branchCode, onHand: 4 } });
		const again = await pharmacist.post(path(), { batchId, quantity: 4, toClinic: branchCode.toLowerCase() }, { headers });
		expect(again.status).toBe(201);
		expect(again.body).toEqual(first.body);
	});

	it('refuses without a key, a clinic that is not a branch (in Urdu too), and a doctor', async () => {
		expectError(await pharmacist.post(path(), { batchId, quantity: 1, toClinic: branchCode }), 400, 'idempotency_key_required');
		const body = { batchId, quantity: 1, toClinic: code, idempotencyKey: `key-${rand(8)}` };
		expectError(await pharmacist.post(path(), body), 400, 'transfer_clinic_invalid', 'toClinic');
		const urdu = await urduPharmacist.post(path(), { ...body, idempotencyKey: `key-${rand(8)}` });
		expect(errorOf(urdu).message).toBe('اسٹاک صرف کسی شاخ کو بھیجا جا سکتا ہے، یعنی کسی ایسے دوسرے کلینک کو جس کا منتظم یہی ہو۔');
		expectError(await doctor.post(path(), { ...body, toClinic: branchCode, idempotencyKey: `key-${rand(8)}` }), 403, 'forbidden');
	});
});
