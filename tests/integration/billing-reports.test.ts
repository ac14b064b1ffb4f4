import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../db';
import { ctxOf, key, makePatient } from './queueScene';
import { failure } from '../pharmacyScene';
import { makeClinic, makeMember } from '../factories';
import { pageRequest, statusOf } from './pageRequest';
import { billingService, servicePrice } from '../../src/lib/server/db/schema';
import { createInvoice, issueInvoice, voidInvoice } from '../../src/lib/server/billing/invoices';
import { createCreditNote, recordPayment, refundPayment } from '../../src/lib/server/billing/payments';
import { revenueCsv, revenueReport } from '../../src/lib/server/billing/reports';
import { revenuePdf } from '../../src/lib/server/billing/revenuePdf';
import { PDFDocument } from 'pdf-lib';
import type { Db } from '../../src/lib/server/db';
import { load } from '../../src/routes/(staff)/[clinic]/billing/reports/+page.server';

/**
 * The revenue report: invoices count on the clinic day they were issued (Karachi, UTC+5), payments
 * and refunds on the day they were taken; by doctor and kind of service before tax; by method;
 * what is owed today by age. The CSV carries the same figures. Only admins see it; a bad period is
 * refused with its field.
 */
let db: Db;
let s: Awaited<ReturnType<typeof scene>>;
/** A Karachi clinic day at 10:00 local time. */
const at = (day: string) => new Date(`${day}T05:00:00Z`);

async function scene() {
	const home = await makeClinic(db);
	const [adminUser, deskUser, doctorUser] = await Promise.all([
		makeMember(db, home.id, 'admin'),
		makeMember(db, home.id, 'reception'),
		makeMember(db, home.id, 'doctor')
	]);
	const patient = await makePatient(db, home.id);
	const [consultation] = await db
		.insert(billingService)
		.values({ clinicId: home.id, name: 'Consultation', category: 'consultation', doctorId: doctorUser.id })
		.returning();
	await db.insert(servicePrice).values({ clinicId: home.id, serviceId: consultation.id, price: 200_000, effectiveFrom: '2020-01-01', createdBy: adminUser.id });
	return {
		home,
		patient,
		consultation,
		doctorUser,
		admin: ctxOf(home.id, adminUser.id, 'admin'),
		desk: ctxOf(home.id, deskUser.id, 'reception'),
		deskUser,
		adminUser,
		doctor: ctxOf(home.id, doctorUser.id, 'doctor')
	};
}

async function issuedOn(day: string, lines: unknown[]) {
	const draft = await createInvoice(db, s.desk, { patientId: s.patient.id, lines, idempotencyKey: key() }, at(day));
	await issueInvoice(db, s.desk, draft.id, { idempotencyKey: key() }, at(day));
	return draft.id;
}

beforeAll(async () => {
	db = (await testDatabase()).db;
	s = await scene();
	// 3 Nov: a consultation (2,000.00) paid in full in cash; 500.00 of it refunded on 5 Nov.
	const first = await issuedOn('2026-11-03', [{ serviceId: s.consultation.id, quantity: 1 }]);
	const cash = await recordPayment(db, s.desk, first, { amount: 200_000, method: 'cash', idempotencyKey: key() }, at('2026-11-03'));
	await refundPayment(db, s.admin, cash.id, { amount: 50_000, reason: 'Overcharged', idempotencyKey: key() }, at('2026-11-05'));
	// 4 Nov: a dressing of 300.00 with 10% discount (270.00), half paid by wallet, 20.00 credited.
	const second = await issuedOn('2026-11-04', [
		{ description: 'Dressing', category: 'procedure', quantity: 1, unitPrice: 30_000, discount: { percent: 10, reason: 'Staff' } }
	]);
	await recordPayment(db, s.desk, second, { amount: 13_500, method: 'wallet', idempotencyKey: key() }, at('2026-11-04'));
	await createCreditNote(db, s.admin, second, { amount: 2_000, reason: 'Goodwill', idempotencyKey: key() }, at('2026-11-04'));
	// 4 Nov: an invoice voided the same day counts nowhere.
	const voided = await issuedOn('2026-11-04', [{ description: 'Mistake', category: 'other', quantity: 1, unitPrice: 99_900 }]);
	await voidInvoice(db, s.admin, voided, { reason: 'Entered twice', idempotencyKey: key() }, at('2026-11-04'));
	// 20 Sep: an old unpaid invoice, outside the period, still owed.
	await issuedOn('2026-09-20', [{ description: 'X-ray', category: 'lab', quantity: 1, unitPrice: 80_000 }]);
});

describe('the revenue report', () => {
	it('counts invoices on their issue day and money on its day, by doctor, kind and method, and what is owed by age', async () => {
		const r = await revenueReport(db, s.admin, { from: '2026-11-01', to: '2026-11-30' }, at('2026-12-07'));
		expect(r.totals).toEqual({
			invoices: 2,
			invoiced: 227_000,
			discounts: 3_000,
			tax: 0,
			collected: 213_500,
			refunded: 50_000,
			credited: 2_000,
			outstanding: 80_000 + 11_500 + 50_000
		});
		expect(r.byDay).toHaveLength(30);
		const day = (d: string) => r.byDay.find((x) => x.day === d);
		expect(day('2026-11-03')).toEqual({ day: '2026-11-03', invoiced: 200_000, collected: 200_000 });
		expect(day('2026-11-04')).toEqual({ day: '2026-11-04', invoiced: 27_000, collected: 13_500 });
		expect(day('2026-11-05')).toEqual({ day: '2026-11-05', invoiced: 0, collected: -50_000 });
		expect(r.byDoctor).toEqual([{ doctorId: s.doctorUser.id, name: s.doctorUser.name, amount: 200_000 }]);
		expect(r.byCategory).toContainEqual({ category: 'procedure', amount: 27_000 });
		expect(r.byCategory).toContainEqual({ category: 'other', amount: 0 });
		expect(r.byMethod).toContainEqual({ method: 'cash', amount: 150_000 });
		expect(r.byMethod).toContainEqual({ method: 'wallet', amount: 13_500 });
		// On 7 Dec the November invoices are 33 and 34 days owed (the refund left 500.00 owing on the
		// consultation), the September X-ray 78.
		expect(r.outstandingByAge).toEqual([
			{ bucket: '0-30', count: 0, amount: 0 },
			{ bucket: '31-60', count: 2, amount: 11_500 + 50_000 },
			{ bucket: '61-90', count: 1, amount: 80_000 },
			{ bucket: '90+', count: 0, amount: 0 }
		]);
	});

	it('exports the same figures as CSV, in major units', async () => {
		const csv = await revenueCsv(db, s.admin, { from: '2026-11-01', to: '2026-11-30' }, at('2026-12-07'));
		expect(csv.filename).toBe('revenue-2026-11-01-2026-11-30.csv');
		const rows = csv.body.replace('\uFEFF', '').trim().split('\r\n');
		expect(rows[0]).toBe('section,key,label,amount_PKR,count');
		expect(rows).toContain('total,invoiced,,2270.00,');
		expect(rows).toContain('total,invoices,,,2');
		expect(rows).toContain('day_collected,2026-11-05,,-500.00,');
		expect(rows).toContain(`doctor,${s.doctorUser.id},${s.doctorUser.name},2000.00,`);
		expect(rows).toContain('outstanding_age,61-90,,800.00,1');
	});

	it('prints as a PDF of the same period, by month for a long one', async () => {
		for (const [query, name] of [
			[{ from: '2026-11-01', to: '2026-11-30' }, 'revenue-2026-11-01-2026-11-30.pdf'],
			[{ from: '2026-01-01', to: '2026-12-31' }, 'revenue-2026-01-01-2026-12-31.pdf']
		] as const) {
			const { filename, bytes } = await revenuePdf(db, s.admin, query, at('2026-12-07'));
			expect(filename).toBe(name);
			expect(Buffer.from(bytes.slice(0, 5)).toString()).toBe('%PDF-');
			const doc = await PDFDocument.load(bytes);
			expect(doc.getPageCount()).toBeGreaterThanOrEqual(1);
			expect(doc.getTitle()).toContain('2026-');
		}
		expect(await failure(revenuePdf(db, s.desk, { from: '2026-11-01', to: '2026-11-30' }))).toMatchObject({ status: 403 });
		expect(await failure(revenuePdf(db, s.admin, { from: '2026-11-30', to: '2026-11-01' }))).toMatchObject({ status: 400 });
	});

	it('is the admin’s only, and refuses a period that is not one with its field', async () => {
		for (const who of [s.desk, s.doctor])
			expect(await failure(revenueReport(db, who, { from: '2026-11-01', to: '2026-11-30' }))).toMatchObject({ status: 403 });
		const cases: [Record<string, string>, string, string][] = [
			[{ from: '2026-11-30', to: '2026-11-01' }, 'to', 'date_order'],
			[{ from: '2025-01-01', to: '2026-11-30' }, 'to', 'field_too_large'],
			[{ from: '2026-02-30', to: '2026-03-01' }, 'from', 'date_invalid'],
			[{ to: '2026-03-01' }, 'from', 'field_required']
		];
		for (const [query, field, code] of cases) {
			const refused = (await failure(revenueReport(db, s.admin, query))) as { status: number; fields: { field: string; code: string }[] };
			expect(refused.status, JSON.stringify(query)).toBe(400);
			expect(refused.fields[0], JSON.stringify(query)).toMatchObject({ field, code });
		}
	});

	it('is a page for admins: a bad period is said and this month shown; the desk is refused', async () => {
		const page = async (query: string, userId = s.adminUser.id) =>
			load((await pageRequest(db, userId, `/${s.home.code}/billing/reports${query}`, { clinic: s.home.code })) as never) as Promise<Record<string, unknown>>;
		expect(await statusOf(page('', s.deskUser.id))).toBe(403);
		const november = await page('?from=2026-11-01&to=2026-11-30');
		expect(november).toMatchObject({ error: null, from: '2026-11-01', byMonth: false, totals: { invoices: 2 } });
		expect(november.csv).toBe(`/api/v1/clinics/${s.home.code}/reports/revenue.csv?from=2026-11-01&to=2026-11-30`);
		const year = await page('?from=2026-01-01&to=2026-12-31');
		expect(year).toMatchObject({ byMonth: true });
		expect((year.bars as unknown[]).length).toBe(12);
		const bad = await page('?from=2026-11-30&to=2026-11-01');
		expect(bad).toMatchObject({ error: { code: 'field_invalid', field: 'to' } });
		expect((bad.from as string).endsWith('-01')).toBe(true);
	});
});
