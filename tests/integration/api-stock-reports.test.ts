import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { m } from '$lib/paraglide/messages.js';
import { expectError, signedIn, startApp, type ApiClient, type ApiResponse, type App } from './http';
import { PASSWORD, makeClinic, makeMember, rand } from '../factories';
import { ctxOf } from './queueScene';
import { medicine } from '../../src/lib/server/db/schema';
import { receiveBatch } from '../../src/lib/server/pharmacy/stock';
import { dispensingLogView, movementReportView, stockValueView } from '../../src/lib/server/openapi/stockReports';
import { movementsView } from '../../src/lib/server/openapi/stock';

/** The reports over HTTP: views as documented, CSV downloads, refusals, and bad parameters refused in the reader's language. */

let app: App;
let code: string;
let medicineId: string;
let pharmacist: ApiClient, urdu: ApiClient, desk: ApiClient, outsider: ApiClient;
const base = () => `/api/v1/clinics/${code}`;

beforeAll(async () => {
	const people: Record<string, { email: string; id: string }> = {};
	app = await startApp({
		seed: async (db) => {
			const home = await makeClinic(db);
			const other = await makeClinic(db);
			code = home.code;
			Object.assign(people, {
				pharmacist: await makeMember(db, home.id, 'pharmacist'),
				desk: await makeMember(db, home.id, 'reception'),
				outsider: await makeMember(db, other.id, 'pharmacist')
			});
			const [med] = await db
				.insert(medicine)
				.values({ clinicId: home.id, genericName: `reportin ${rand()}`, form: 'tablet', strength: '5 mg', route: 'oral', source: 'clinic' })
				.returning();
			medicineId = med.id;
			await receiveBatch(db, ctxOf(home.id, people.pharmacist.id, 'pharmacist'), med.id, {
				batchNumber: 'API-1',
				expiry: '2099-12-31',
				quantity: 12,
				costPrice: 250,
				salePrice: 400
			});
		}
	});
	[pharmacist, desk, outsider] = await Promise.all(['pharmacist', 'desk', 'outsider'].map((k) => signedIn(app, people[k].email, PASSWORD)));
	urdu = await signedIn(app, people.pharmacist.email, PASSWORD, { 'accept-language': 'ur' });
});
afterAll(async () => {
	await app?.stop();
});

const refusal = z.object({ error: z.object({ code: z.string(), fields: z.array(z.object({ field: z.string(), code: z.string(), message: z.string() })) }) });

/** A 400 whose first field problem is `code` on `field`, worded (the top-level code is the general one older clients read). */
function expectFieldError(res: ApiResponse, field: string, code: string) {
	expect(res.status).toBe(400);
	const { error } = refusal.parse(res.body);
	expect(error.fields[0]).toMatchObject({ field, code, message: expect.stringMatching(/\S/) });
}

describe('pharmacy reports over HTTP', () => {
	it('answers each report as documented, and its CSV as a download', async () => {
		const log = await pharmacist.get(`${base()}/pharmacy/reports/dispensing?date=2026-03-10`);
		expect(log.status).toBe(200);
		expect(dispensingLogView.parse(log.body)).toMatchObject({ date: '2026-03-10', entries: [], totals: [] });
		const report = await pharmacist.get(`${base()}/pharmacy/reports/movements?medicineId=${medicineId}&kind=received`);
		expect(report.status).toBe(200);
		const parsed = movementReportView.parse(report.body);
		expect([parsed.opening, parsed.closing, parsed.kind, parsed.movements.map((mv) => [mv.quantity, mv.balance])]).toEqual([0, 12, 'received', [[12, 12]]]);
		const value = stockValueView.parse((await pharmacist.get(`${base()}/stock/value`)).body);
		expect(value.totals).toEqual({ onHand: 12, valueAtCost: 3000, valueAtSale: 4800 });
		expect(movementsView.parse((await pharmacist.get(`${base()}/stock/movements?kind=dispensed`)).body).movements).toEqual([]);

		const csv = await pharmacist.get(`${base()}/stock/value.csv`);
		expect(csv.status).toBe(200);
		expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(csv.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="stock-value-${code}-\\d{4}-\\d{2}-\\d{2}\\.csv"$`));
		expect(csv.text.endsWith('\r\nTOTAL,,,12,30.00,48.00\r\n')).toBe(true);
		const logCsv = await pharmacist.get(`${base()}/pharmacy/reports/dispensing.csv?date=2026-03-10`);
		expect([logCsv.status, logCsv.headers.get('content-disposition')]).toEqual([200, `attachment; filename="dispensing-${code}-2026-03-10.csv"`]);
		const movementsCsv = await pharmacist.get(`${base()}/pharmacy/reports/movements.csv?medicineId=${medicineId}`);
		expect(movementsCsv.status).toBe(200);
		expect(movementsCsv.text).toContain(',,closing,,12,,\r\n');
	});

	it('refuses a bad day, medicine, kind or range with the field named, in Urdu when asked', async () => {
		const badDay = await urdu.get(`${base()}/pharmacy/reports/dispensing?date=2026-02-30`);
		expectFieldError(badDay, 'date', 'date_invalid');
		expect(badDay.text).toContain(m.error_date_invalid({ from: '1900', to: '2200' }, { locale: 'ur' }));
		expectFieldError(await urdu.get(`${base()}/pharmacy/reports/dispensing.csv?date=tomorrow`), 'date', 'date_invalid');
		const backwards = await urdu.get(`${base()}/pharmacy/reports/movements?medicineId=${medicineId}&from=2026-03-11&to=2026-03-10`);
		expectFieldError(backwards, 'to', 'date_order');
		expect(backwards.text).toContain(m.ph_error_date_order({}, { locale: 'ur' }));
		expectFieldError(await pharmacist.get(`${base()}/pharmacy/reports/movements`), 'medicineId', 'field_required');
		expectFieldError(await pharmacist.get(`${base()}/pharmacy/reports/movements.csv?medicineId=nope`), 'medicineId', 'id_invalid');
		expectFieldError(await pharmacist.get(`${base()}/pharmacy/reports/movements?medicineId=${medicineId}&kind=lost`), 'kind', 'choice_invalid');
		expectFieldError(await pharmacist.get(`${base()}/stock/movements?kind=lost`), 'kind', 'choice_invalid');
	});

	it('refuses the desk, and answers nobody outside the clinic', async () => {
		for (const path of [
			'/pharmacy/reports/dispensing',
			'/pharmacy/reports/dispensing.csv',
			`/pharmacy/reports/movements?medicineId=${medicineId}`,
			'/stock/value',
			'/stock/value.csv'
		]) {
			expectError(await desk.get(`${base()}${path}`), 403, 'forbidden');
			expectError(await outsider.get(`${base()}${path}`), 404, 'not_found');
		}
	});
});
