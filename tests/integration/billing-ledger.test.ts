import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { testDatabase } from '../db';
import { ctxOf, key, makePatient } from './queueScene';
import { failure, inDays } from '../pharmacyScene';
import { makeClinic, makeMember } from '../factories';
import { billingService, doctorProfile, invoice, invoiceLine, medicine, payment, servicePrice, taxRule } from '../../src/lib/server/db/schema';
import { createInvoice, getInvoice, issueInvoice, listInvoices, voidInvoice } from '../../src/lib/server/billing/invoices';
import { receiveBatch } from '../../src/lib/server/pharmacy/stock';
import { dispensePrescription } from '../../src/lib/server/pharmacy/dispense';
import { openVisit } from '../../src/lib/server/visits/openVisit';
import { writeChart } from '../../src/lib/server/visits/writeChart';
import { completeVisit } from '../../src/lib/server/visits/completeVisit';
import { savePrescription } from '../../src/lib/server/prescribing/savePrescription';
import { createCreditNote, patientCreditBalance, recordPayment, refundPayment } from '../../src/lib/server/billing/payments';
import { mergePatients } from '../../src/lib/server/patients/mergePatients';
import { invoicePdfOf } from '../../src/lib/server/billing/invoiceSheet';
import { closeDay, deskDay } from '../../src/lib/server/billing/dayClose';
import { doctorEarnings, setDoctorShare } from '../../src/lib/server/billing/earnings';
import type { Database, Db } from '../../src/lib/server/db';

/*
 * The billing ledger's rules, on the database: invoices numbered gapless when issued and never
 * edited after, payments that never exceed what is owed however two desks race, retries that
 * never charge twice, refunds within their payment, credit notes within the balance, and who may
 * do each.
 */

let database: Database;
beforeAll(async () => {
	database = await testDatabase();
});

async function billingScene(db: Db) {
	const home = await makeClinic(db);
	const [adminUser, deskUser, secondDeskUser, doctorUser, pharmacistUser] = await Promise.all([
		makeMember(db, home.id, 'admin'),
		makeMember(db, home.id, 'reception'),
		makeMember(db, home.id, 'reception'),
		makeMember(db, home.id, 'doctor'),
		makeMember(db, home.id, 'pharmacist')
	]);
	const patient = await makePatient(db, home.id);
	const [consultation] = await db
		.insert(billingService)
		.values({ clinicId: home.id, name: 'Consultation', category: 'consultation', doctorId: doctorUser.id, visitType: 'new' })
		.returning();
	// The fee rose last month; an older price stays in history.
	await db.insert(servicePrice).values([
		{ clinicId: home.id, serviceId: consultation.id, price: 150_000, effectiveFrom: '2020-01-01', createdBy: adminUser.id },
		{ clinicId: home.id, serviceId: consultation.id, price: 200_000, effectiveFrom: '2026-11-01', createdBy: adminUser.id },
		{ clinicId: home.id, serviceId: consultation.id, price: 999_900, effectiveFrom: '2099-01-01', createdBy: adminUser.id }
	]);
	await db.insert(taxRule).values({ clinicId: home.id, category: 'medicine', name: 'Sales tax', rateBasisPoints: 1_700, inclusive: false });
	return {
		home,
		patient,
		consultation,
		admin: ctxOf(home.id, adminUser.id, 'admin'),
		desk: ctxOf(home.id, deskUser.id, 'reception'),
		secondDesk: ctxOf(home.id, secondDeskUser.id, 'reception'),
		doctor: ctxOf(home.id, doctorUser.id, 'doctor'),
		pharmacist: ctxOf(home.id, pharmacistUser.id, 'pharmacist')
	};
}

type Scene = Awaited<ReturnType<typeof billingScene>>;

/** An issued invoice of one described line at this price. */
async function issued(db: Db, s: Scene, price: number) {
	const draft = await createInvoice(db, s.desk, {
		patientId: s.patient.id,
		lines: [{ description: 'Dressing', category: 'procedure', quantity: 1, unitPrice: price }],
		idempotencyKey: key()
	});
	await issueInvoice(db, s.desk, draft.id, { idempotencyKey: key() });
	return draft.id;
}

const NOW = new Date('2026-12-07T06:00:00Z');

describe('invoices', () => {
	it('prices a draft from the price list on the day, taxes medicines, applies a discount with its reason', async () => {
		const db = database.db;
		const s = await billingScene(db);
		const draft = await createInvoice(
			db,
			s.desk,
			{
				patientId: s.patient.id,
				lines: [
					{ serviceId: s.consultation.id, quantity: 1, discount: { percent: 10, reason: 'Referral from Dr Amna' } },
					{ description: 'Amoxicillin 500 mg', category: 'medicine', quantity: 21, unitPrice: 1_500 }
				],
				idempotencyKey: key()
			},
			NOW
		);
		expect(draft).toMatchObject({ status: 'draft', number: null, subtotal: 231_500, discount: 20_000, tax: 5_355, total: 216_855, balance: 216_855 });
		expect(draft.lines.map((l) => [l.description, l.unitPrice, l.discount, l.tax, l.total])).toEqual([
			['Consultation', 200_000, 20_000, 0, 180_000],
			['Amoxicillin 500 mg', 1_500, 0, 5_355, 36_855]
		]);
		expect(draft.lines[0].discountReason).toBe('Referral from Dr Amna');
	});

	it('refuses bad lines and changes nothing', async () => {
		const db = database.db;
		const s = await billingScene(db);
		const before = await db
			.select({ n: sql<number>`count(*)::int` })
			.from(invoice)
			.where(eq(invoice.clinicId, s.home.id));
		const bad = [
			{ patientId: s.patient.id, lines: [], idempotencyKey: key() },
			{ patientId: s.patient.id, lines: [{ description: 'X', quantity: 0, unitPrice: 10 }], idempotencyKey: key() },
			{ patientId: s.patient.id, lines: [{ description: 'No price', quantity: 1 }], idempotencyKey: key() },
			{ patientId: s.patient.id, lines: [{ description: 'X', quantity: 1, unitPrice: -1 }], idempotencyKey: key() },
			{
				patientId: s.patient.id,
				lines: [{ description: 'X', quantity: 1, unitPrice: 10, discount: { amount: 11, reason: 'too much' } }],
				idempotencyKey: key()
			},
			{ patientId: s.patient.id, lines: [{ description: 'X', quantity: 1, unitPrice: 10, discount: { amount: 5, reason: '' } }], idempotencyKey: key() },
			{ patientId: s.patient.id, lines: [{ description: 'X', quantity: 1, unitPrice: 10 }] },
			{ patientId: s.patient.id, lines: [{ description: 'X', quantity: 1, unitPrice: 10 }], idempotencyKey: key(), extra: true }
		];
		for (const input of bad) expect(await failure(createInvoice(db, s.desk, input))).toMatchObject({ status: 400 });
		expect(
			await failure(
				createInvoice(db, s.desk, {
					patientId: s.patient.id,
					lines: [{ description: 'X', quantity: 1, unitPrice: 10, discount: { amount: 11, reason: 'r' } }],
					idempotencyKey: key()
				})
			)
		).toMatchObject({ code: 'discount_exceeds', field: 'lines.0.discount' });
		// Another clinic's patient is not found here.
		const elsewhere = await makePatient(db, (await makeClinic(db)).id);
		expect(
			await failure(createInvoice(db, s.desk, { patientId: elsewhere.id, lines: [{ description: 'X', quantity: 1, unitPrice: 10 }], idempotencyKey: key() }))
		).toMatchObject({ status: 400, field: 'patientId' });
		const after = await db
			.select({ n: sql<number>`count(*)::int` })
			.from(invoice)
			.where(eq(invoice.clinicId, s.home.id));
		expect(after).toEqual(before);
	});

	it('numbers issued invoices gapless per clinic and fiscal year, even when issued all at once', async () => {
		const db = database.db;
		const s = await billingScene(db);
		await db.execute(sql`UPDATE clinic SET fiscal_year_start_month = 7 WHERE id = ${s.home.id}`);
		const drafts = [];
		for (let i = 0; i < 12; i++)
			drafts.push(
				await createInvoice(db, s.desk, { patientId: s.patient.id, lines: [{ description: `Item ${i}`, quantity: 1, unitPrice: 100 }], idempotencyKey: key() })
			);
		const results = await Promise.all(drafts.map((d, i) => issueInvoice(db, i % 2 ? s.desk : s.secondDesk, d.id, { idempotencyKey: key() }, NOW)));
		const numbers = results.map((r) => r.number).sort();
		expect(numbers).toEqual(Array.from({ length: 12 }, (_, i) => `${s.home.code}-INV-2026-${String(i + 1).padStart(6, '0')}`));
		expect(results.every((r) => r.status === 'issued' && r.balance === 100)).toBe(true);
		// Issued once: again is refused, a retry with the same key answers the same number.
		const retryKey = key();
		const fresh = await createInvoice(db, s.desk, {
			patientId: s.patient.id,
			lines: [{ description: 'Late', quantity: 1, unitPrice: 100 }],
			idempotencyKey: key()
		});
		const first = await issueInvoice(db, s.desk, fresh.id, { idempotencyKey: retryKey }, NOW);
		expect(await issueInvoice(db, s.desk, fresh.id, { idempotencyKey: retryKey }, NOW)).toEqual(first);
		expect(first.number).toBe(`${s.home.code}-INV-2026-000013`);
		expect(await failure(issueInvoice(db, s.desk, fresh.id, { idempotencyKey: key() }, NOW))).toMatchObject({ status: 409, code: 'invoice_state' });
		// A new fiscal year starts its own sequence on 1 July.
		const july = await createInvoice(db, s.desk, {
			patientId: s.patient.id,
			lines: [{ description: 'July', quantity: 1, unitPrice: 100 }],
			idempotencyKey: key()
		});
		expect((await issueInvoice(db, s.desk, july.id, { idempotencyKey: key() }, new Date('2027-07-01T03:00:00Z'))).number).toBe(
			`${s.home.code}-INV-2027-000001`
		);
	});

	it('never lets an issued invoice or its lines change, in the database itself', async () => {
		const db = database.db;
		const s = await billingScene(db);
		const id = await issued(db, s, 5_000);
		expect(await failure(db.update(invoice).set({ total: 1 }).where(eq(invoice.id, id)))).toBeTruthy();
		expect(await failure(db.update(invoiceLine).set({ unitPrice: 1 }).where(eq(invoiceLine.invoiceId, id)))).toBeTruthy();
		expect(await failure(db.delete(invoiceLine).where(eq(invoiceLine.invoiceId, id)))).toBeTruthy();
		expect(
			await failure(
				db
					.insert(invoiceLine)
					.values({ clinicId: s.home.id, invoiceId: id, position: 2, category: 'other', description: 'Sneaked in', quantity: 1, unitPrice: 1, total: 1 })
			)
		).toBeTruthy();
		expect(await failure(db.delete(invoice).where(eq(invoice.id, id)))).toBeTruthy();
		const view = await getInvoice(db, s.desk, id);
		expect(view).toMatchObject({ total: 5_000, status: 'issued' });
		expect(view.lines).toHaveLength(1);
	});

	it('voids a draft or an unpaid invoice (admins), keeping the number; refuses while money is on it', async () => {
		const db = database.db;
		const s = await billingScene(db);
		const id = await issued(db, s, 5_000);
		expect(await failure(voidInvoice(db, s.desk, id, { reason: 'Wrong patient', idempotencyKey: key() }))).toMatchObject({ status: 403 });
		await recordPayment(db, s.desk, id, { amount: 1_000, method: 'cash', idempotencyKey: key() });
		expect(await failure(voidInvoice(db, s.admin, id, { reason: 'Wrong patient', idempotencyKey: key() }))).toMatchObject({
			status: 409,
			code: 'invoice_state'
		});
		const other = await issued(db, s, 700);
		expect(await voidInvoice(db, s.admin, other, { reason: 'Entered twice', idempotencyKey: key() })).toEqual({ id: other, status: 'void' });
		const view = await getInvoice(db, s.admin, other);
		expect(view.status).toBe('void');
		expect(view.number).toMatch(/-INV-\d{4}-\d{6}$/);
		expect(await failure(recordPayment(db, s.desk, other, { amount: 100, method: 'cash', idempotencyKey: key() }))).toMatchObject({
			status: 409,
			code: 'invoice_state'
		});
	});
});

describe('payments', () => {
	it('two desks taking the whole balance at once: one succeeds, the other is told it exceeds the balance', async () => {
		const db = database.db;
		const s = await billingScene(db);
		for (let round = 0; round < 5; round++) {
			const id = await issued(db, s, 10_000);
			const outcomes = await Promise.all([
				failure(recordPayment(db, s.desk, id, { amount: 10_000, method: 'cash', idempotencyKey: key() })),
				failure(recordPayment(db, s.secondDesk, id, { amount: 10_000, method: 'card', reference: 'AUTH-1', idempotencyKey: key() }))
			]);
			expect(outcomes.filter((o) => o === null)).toHaveLength(1);
			expect(outcomes.find((o) => o !== null)).toMatchObject({ status: 409, code: 'exceeds_balance' });
			const view = await getInvoice(db, s.desk, id);
			expect(view).toMatchObject({ paid: 10_000, balance: 0, status: 'paid' });
			expect(view.payments).toHaveLength(1);
		}
	});

	it('a double click or 30 retries with one key charge once', async () => {
		const db = database.db;
		const s = await billingScene(db);
		const id = await issued(db, s, 10_000);
		const same = key();
		const answers = await Promise.all(
			Array.from({ length: 30 }, () => failure(recordPayment(db, s.desk, id, { amount: 4_000, method: 'cash', tendered: 5_000, idempotencyKey: same })))
		);
		expect(answers.every((a) => a === null)).toBe(true);
		const rows = await db.select().from(payment).where(eq(payment.invoiceId, id));
		expect(rows).toHaveLength(1);
		const view = await getInvoice(db, s.desk, id);
		expect(view).toMatchObject({ paid: 4_000, balance: 6_000, status: 'partly_paid' });
		// The change due is the difference tendered.
		const second = await recordPayment(db, s.desk, id, { amount: 1_000, method: 'cash', tendered: 5_000, idempotencyKey: key() });
		expect(second).toMatchObject({ change: 4_000, balance: 5_000 });
		// The same key with a different request is refused, not replayed.
		expect(await failure(recordPayment(db, s.desk, id, { amount: 999, method: 'cash', idempotencyKey: same }))).toMatchObject({
			code: 'idempotency_key_reused'
		});
	});

	it('keeps an overpayment as the patient’s credit when asked, and spends it on a later invoice', async () => {
		const db = database.db;
		const s = await billingScene(db);
		const id = await issued(db, s, 8_000);
		expect(await failure(recordPayment(db, s.desk, id, { amount: 10_000, method: 'cash', idempotencyKey: key() }))).toMatchObject({
			code: 'exceeds_balance',
			params: { balance: 8_000 }
		});
		const kept = await recordPayment(db, s.desk, id, { amount: 10_000, method: 'cash', keepExcessAsCredit: true, idempotencyKey: key() });
		expect(kept).toMatchObject({ toCredit: 2_000, status: 'paid', balance: 0 });
		expect(await patientCreditBalance(db, s.home.id, s.patient.id)).toBe(2_000);
		const next = await issued(db, s, 3_000);
		expect(await failure(recordPayment(db, s.desk, next, { amount: 2_500, method: 'credit', idempotencyKey: key() }))).toMatchObject({
			code: 'credit_exceeds'
		});
		// Two desks spending the same credit at once: it is spent once.
		const spends = await Promise.all([
			failure(recordPayment(db, s.desk, next, { amount: 1_500, method: 'credit', idempotencyKey: key() })),
			failure(recordPayment(db, s.secondDesk, next, { amount: 1_500, method: 'credit', idempotencyKey: key() }))
		]);
		expect(spends.filter((o) => o === null)).toHaveLength(1);
		expect(await patientCreditBalance(db, s.home.id, s.patient.id)).toBe(500);
		expect((await getInvoice(db, s.desk, next)).balance).toBe(1_500);
	});

	it('refunds (admins) within what is left of a payment, as negative payments that reference it', async () => {
		const db = database.db;
		const s = await billingScene(db);
		const id = await issued(db, s, 10_000);
		const paid = await recordPayment(db, s.desk, id, { amount: 10_000, method: 'card', reference: 'AUTH-77', idempotencyKey: key() });
		expect(await failure(refundPayment(db, s.desk, paid.id, { amount: 1_000, reason: 'Overcharged', idempotencyKey: key() }))).toMatchObject({ status: 403 });
		const refund = await refundPayment(db, s.admin, paid.id, { amount: 3_000, reason: 'Dressing not done', idempotencyKey: key() });
		expect(refund).toMatchObject({ amount: -3_000, refundOf: paid.id, status: 'partly_paid', balance: 3_000 });
		expect(await failure(refundPayment(db, s.admin, paid.id, { amount: 7_001, reason: 'More', idempotencyKey: key() }))).toMatchObject({
			status: 409,
			code: 'refund_exceeds'
		});
		// Two refunds of the rest at once: one goes through.
		const both = await Promise.all([
			failure(refundPayment(db, s.admin, paid.id, { amount: 7_000, reason: 'All back', idempotencyKey: key() })),
			failure(refundPayment(db, s.admin, paid.id, { amount: 7_000, reason: 'All back', idempotencyKey: key() }))
		]);
		expect(both.filter((o) => o === null)).toHaveLength(1);
		const view = await getInvoice(db, s.desk, id);
		expect(view).toMatchObject({ paid: 0, balance: 10_000, status: 'issued' });
		expect(view.payments.map((p) => p.amount)).toEqual([10_000, -3_000, -7_000]);
		// A refund is never itself refunded, and payments are never changed.
		expect(await failure(refundPayment(db, s.admin, view.payments[1].id, { amount: 1, reason: 'x', idempotencyKey: key() }))).toMatchObject({ status: 404 });
		expect(await failure(db.update(payment).set({ amount: 1 }).where(eq(payment.id, paid.id)))).toBeTruthy();
	});

	it('credit notes (admins) reduce what is owed, numbered in their own sequence, never below zero', async () => {
		const db = database.db;
		const s = await billingScene(db);
		const id = await issued(db, s, 10_000);
		await recordPayment(db, s.desk, id, { amount: 6_000, method: 'cash', idempotencyKey: key() });
		expect(await failure(createCreditNote(db, s.desk, id, { amount: 1_000, reason: 'Goodwill', idempotencyKey: key() }))).toMatchObject({ status: 403 });
		expect(await failure(createCreditNote(db, s.admin, id, { amount: 4_001, reason: 'Too much', idempotencyKey: key() }))).toMatchObject({
			status: 409,
			code: 'credit_exceeds'
		});
		const note = await createCreditNote(db, s.admin, id, { amount: 4_000, reason: 'Senior citizen discount', idempotencyKey: key() }, NOW);
		expect(note).toMatchObject({ number: `${s.home.code}-CN-2026-000001`, status: 'paid', balance: 0 });
		expect((await getInvoice(db, s.desk, id)).creditNotes).toHaveLength(1);
	});

	it('refuses payments beyond the balance in the database even without the command (CHECK)', async () => {
		const db = database.db;
		const s = await billingScene(db);
		const id = await issued(db, s, 1_000);
		expect(await failure(db.update(invoice).set({ paid: 1_001 }).where(eq(invoice.id, id)))).toBeTruthy();
	});
});

describe('who may bill', () => {
	it('the desk and admins bill; doctors, pharmacists and other clinics are refused', async () => {
		const db = database.db;
		const s = await billingScene(db);
		const id = await issued(db, s, 1_000);
		const line = { patientId: s.patient.id, lines: [{ description: 'X', quantity: 1, unitPrice: 10 }] };
		for (const who of [s.doctor, s.pharmacist]) {
			expect(await failure(createInvoice(db, who, { ...line, idempotencyKey: key() }))).toMatchObject({ status: 403 });
			expect(await failure(getInvoice(db, who, id))).toMatchObject({ status: 403 });
			expect(await failure(issueInvoice(db, who, id, { idempotencyKey: key() }))).toMatchObject({ status: 403 });
			expect(await failure(recordPayment(db, who, id, { amount: 10, method: 'cash', idempotencyKey: key() }))).toMatchObject({ status: 403 });
		}
		const stranger = await billingScene(db);
		expect(await failure(getInvoice(db, stranger.desk, id))).toMatchObject({ status: 404 });
		expect(await failure(recordPayment(db, stranger.desk, id, { amount: 10, method: 'cash', idempotencyKey: key() }))).toMatchObject({ status: 404 });
		expect(await getInvoice(db, s.admin, id)).toMatchObject({ total: 1_000 });
	});
});

describe('a merge of duplicate records', () => {
	it('moves the duplicate’s invoices and credit to the survivor without editing any money', async () => {
		const db = database.db;
		const s = await billingScene(db);
		const duplicate = await makePatient(db, s.home.id);
		const draft = await createInvoice(db, s.desk, {
			patientId: duplicate.id,
			lines: [{ description: 'Dressing', quantity: 1, unitPrice: 1_000 }],
			idempotencyKey: key()
		});
		await issueInvoice(db, s.desk, draft.id, { idempotencyKey: key() });
		await recordPayment(db, s.desk, draft.id, { amount: 1_500, method: 'cash', keepExcessAsCredit: true, idempotencyKey: key() });
		expect(await patientCreditBalance(db, s.home.id, duplicate.id)).toBe(500);
		await mergePatients(db, s.admin, s.patient.id, { mergeId: duplicate.id, reason: 'Same person, registered twice' });
		expect(await getInvoice(db, s.desk, draft.id)).toMatchObject({ patientId: s.patient.id, total: 1_000, paid: 1_000, status: 'paid' });
		expect(await patientCreditBalance(db, s.home.id, duplicate.id)).toBe(0);
		expect(await patientCreditBalance(db, s.home.id, s.patient.id)).toBe(500);
	});
});

describe('the printed invoice', () => {
	it('renders a bilingual PDF of an issued invoice with its payments, for the desk only', async () => {
		const db = database.db;
		const s = await billingScene(db);
		await db.execute(sql`UPDATE clinic SET tax_number = 'NTN 1234567-8' WHERE id = ${s.home.id}`);
		const draft = await createInvoice(db, s.desk, {
			patientId: s.patient.id,
			lines: [
				{ serviceId: s.consultation.id, quantity: 1, discount: { percent: 10, reason: 'Referral' } },
				{ description: 'Amoxicillin 500 mg capsule', category: 'medicine', quantity: 21, unitPrice: 1_500 }
			],
			idempotencyKey: key()
		});
		await issueInvoice(db, s.desk, draft.id, { idempotencyKey: key() });
		await recordPayment(db, s.desk, draft.id, { amount: 100_000, method: 'cash', tendered: 100_000, idempotencyKey: key() });
		const { number, bytes } = await invoicePdfOf(db, s.desk, draft.id);
		expect(number).toMatch(/-INV-\d{4}-000001$/);
		expect(Buffer.from(bytes.slice(0, 5)).toString('latin1')).toBe('%PDF-');
		const dir = mkdtempSync(join(process.env.INVOICE_PDF_DIR ?? tmpdir(), 'invoice-'));
		writeFileSync(join(dir, 'invoice.pdf'), bytes);
		execFileSync('pdftoppm', ['-r', '50', '-png', '-singlefile', join(dir, 'invoice.pdf'), join(dir, 'invoice')]);
		expect(readFileSync(join(dir, 'invoice.png')).length).toBeGreaterThan(1_000);
		for (const who of [s.doctor, s.pharmacist]) expect(await failure(invoicePdfOf(db, who, draft.id))).toMatchObject({ status: 403 });
	});
});

describe('automatic invoices', () => {
	it('a completed visit drafts the consultation, dispensing adds each batch at its sale price, and after issue a new draft takes the rest', async () => {
		const db = database.db;
		const s = await billingScene(db);
		const doctorId = s.doctor.actor.userId;
		// No consultation service for this doctor here: the fee on their profile is the price.
		await db.delete(servicePrice).where(eq(servicePrice.serviceId, s.consultation.id));
		await db.insert(doctorProfile).values({ clinicId: s.home.id, userId: doctorId, consultationFee: 150_000 });
		const [med] = await db
			.insert(medicine)
			.values({ clinicId: s.home.id, genericName: `billamycin ${key()}`, form: 'tablet', strength: '250 mg', route: 'oral', source: 'clinic' })
			.returning();
		for (const [batchNumber, expiry, salePrice] of [
			['EARLY', inDays(200), 800],
			['LATE', inDays(400), 900]
		] as const)
			await receiveBatch(db, s.admin, med.id, { batchNumber, expiry, quantity: 6, costPrice: 500, salePrice, idempotencyKey: key() });

		const visit = await openVisit(db, s.doctor, { patientId: s.patient.id, setting: 'clinic', idempotencyKey: key() });
		await writeChart(db, s.doctor, visit.id, { complaint: 'Cough', diagnoses: [{ code: 'J20.9', title: 'Acute bronchitis, unspecified' }] });
		const rx = await savePrescription(db, s.doctor, visit.id, {
			lines: [{ medicineId: med.id, dose: '1 tablet', frequency: '1+0+1', durationDays: 5, quantity: 10 }],
			idempotencyKey: key()
		});
		await completeVisit(db, s.doctor, visit.id, { idempotencyKey: key() });

		const drafts = async () => (await listInvoices(db, s.desk, { visitId: visit.id })).invoices;
		const [auto] = await drafts();
		expect(auto).toMatchObject({ status: 'draft', source: 'auto', total: 150_000 });
		expect((await getInvoice(db, s.desk, auto.id)).lines.map((l) => [l.category, l.unitPrice])).toEqual([['consultation', 150_000]]);

		// 8 of 10 tablets: 6 from the earlier batch, 2 from the later, each at its price, with 17 % tax.
		const pharmacist = ctxOf(s.home.id, (await makeMember(db, s.home.id, 'pharmacist')).id, 'pharmacist');
		await dispensePrescription(db, pharmacist, String(rx.id), { lines: [{ lineId: rx.lines[0].id, quantity: 8 }], idempotencyKey: key() });
		const withMedicines = await getInvoice(db, s.desk, auto.id);
		expect(withMedicines.lines.slice(1).map((l) => [l.quantity, l.unitPrice, l.tax, l.total])).toEqual([
			[6, 800, 816, 5_616],
			[2, 900, 306, 2_106]
		]);
		expect(withMedicines.lines[1].description).toContain('EARLY');
		expect(withMedicines.total).toBe(150_000 + 5_616 + 2_106);

		// The desk issues it; the last 2 tablets, handed over later, go on a new draft.
		await issueInvoice(db, s.desk, auto.id, { idempotencyKey: key() });
		await dispensePrescription(db, pharmacist, String(rx.id), { lines: [{ lineId: rx.lines[0].id, quantity: 2 }], idempotencyKey: key() });
		const all = await drafts();
		expect(all).toHaveLength(2);
		const later = all.find((i) => i.id !== auto.id)!;
		expect(later).toMatchObject({ status: 'draft', source: 'auto', total: 2_106 });
		expect((await getInvoice(db, s.desk, auto.id)).total).toBe(withMedicines.total);
	});
});

describe('closing the day at the desk', () => {
	it('expects per method what the desk’s own payments took, records differences with a reason, once a day', async () => {
		const db = database.db;
		const s = await billingScene(db);
		const first = await issued(db, s, 10_000);
		const second = await issued(db, s, 8_000);
		const third = await issued(db, s, 4_000);
		await recordPayment(db, s.desk, first, { amount: 10_000, method: 'cash', tendered: 10_000, idempotencyKey: key() });
		const card = await recordPayment(db, s.desk, second, { amount: 8_000, method: 'card', reference: 'AUTH-9', idempotencyKey: key() });
		// Another desk's cash is not this desk's; a refund given back in cash here is.
		await recordPayment(db, s.secondDesk, third, { amount: 4_000, method: 'cash', idempotencyKey: key() });
		await refundPayment(db, s.admin, card.id, { amount: 1_000, reason: 'Overcharged', idempotencyKey: key() });

		const today = await deskDay(db, s.desk, {});
		expect(today).toMatchObject({ expected: { cash: 10_000, card: 8_000, wallet: 0, bank: 0, qr: 0 }, closed: null });
		const adminDay = await deskDay(db, s.admin, {});
		expect(adminDay.expected.card).toBe(-1_000);

		// Short by 500 in cash: refused without a reason, recorded with one.
		const counted = { cash: 9_500, card: 8_000 };
		expect(await failure(closeDay(db, s.desk, { counted, idempotencyKey: key() }))).toMatchObject({ status: 400, field: 'reason' });
		const closed = await closeDay(db, s.desk, { counted, reason: 'Change given twice', idempotencyKey: key() });
		expect(closed.differences).toEqual({ cash: -500, card: 0, wallet: 0, bank: 0, qr: 0 });
		expect(await failure(closeDay(db, s.desk, { counted: { cash: 10_000, card: 8_000 }, idempotencyKey: key() }))).toMatchObject({
			status: 409,
			code: 'day_closed'
		});
		expect((await deskDay(db, s.desk, {})).closed).toMatchObject({ reason: 'Change given twice', differences: { cash: -500 } });
		// Bad input and other roles.
		expect(await failure(closeDay(db, s.secondDesk, { counted: { cash: -1 }, idempotencyKey: key() }))).toMatchObject({ status: 400 });
		expect(await failure(closeDay(db, s.secondDesk, { counted: { cheque: 1 }, idempotencyKey: key() }))).toMatchObject({ status: 400 });
		expect(await failure(closeDay(db, s.secondDesk, { counted: {}, day: '2999-01-01', idempotencyKey: key() }))).toMatchObject({ status: 400, field: 'day' });
		for (const who of [s.doctor, s.pharmacist]) expect(await failure(deskDay(db, who, {}))).toMatchObject({ status: 403 });
	});
});

describe('doctors’ earnings', () => {
	it('shares each paid line of the doctor’s visits and services by category, scaled by what was paid; doctors see only their own', async () => {
		const db = database.db;
		const s = await billingScene(db);
		const doctorId = s.doctor.actor.userId;
		const other = ctxOf(s.home.id, (await makeMember(db, s.home.id, 'doctor')).id, 'doctor');
		await setDoctorShare(db, s.admin, { doctorId, category: 'consultation', percent: 60, effectiveFrom: '2026-01-01' });
		await setDoctorShare(db, s.admin, { doctorId, category: 'procedure', amount: 500, effectiveFrom: '2026-01-01' });
		// A later rule applies only from its day.
		await setDoctorShare(db, s.admin, { doctorId, category: 'consultation', percent: 70, effectiveFrom: '2099-01-01' });
		expect(await failure(setDoctorShare(db, s.admin, { doctorId, category: 'lab', percent: 10, amount: 5 }))).toMatchObject({ status: 400 });
		expect(await failure(setDoctorShare(db, s.desk, { doctorId, category: 'lab', percent: 10 }))).toMatchObject({ status: 403 });

		// The doctor's consultation service (200 000) and two dressings (procedure, 2 × 15 000), paid in full.
		const paidInFull = await createInvoice(db, s.desk, {
			patientId: s.patient.id,
			lines: [
				{ serviceId: s.consultation.id, quantity: 1 },
				{ description: 'Dressing', category: 'procedure', quantity: 2, unitPrice: 15_000 }
			],
			idempotencyKey: key()
		});
		// Described lines are nobody's unless they belong to the doctor's visit: the dressing earns nothing here.
		await issueInvoice(db, s.desk, paidInFull.id, { idempotencyKey: key() }, NOW);
		await recordPayment(db, s.desk, paidInFull.id, { amount: 230_000, method: 'cash', idempotencyKey: key() });
		// Half credited, half paid: only the paid half earns.
		const halfCredited = await createInvoice(db, s.desk, {
			patientId: s.patient.id,
			lines: [{ serviceId: s.consultation.id, quantity: 1 }],
			idempotencyKey: key()
		});
		await issueInvoice(db, s.desk, halfCredited.id, { idempotencyKey: key() }, NOW);
		await recordPayment(db, s.desk, halfCredited.id, { amount: 100_000, method: 'card', idempotencyKey: key() });
		await createCreditNote(db, s.admin, halfCredited.id, { amount: 100_000, reason: 'Goodwill', idempotencyKey: key() });
		// Unpaid: nothing yet.
		const unpaid = await createInvoice(db, s.desk, { patientId: s.patient.id, lines: [{ serviceId: s.consultation.id, quantity: 1 }], idempotencyKey: key() });
		await issueInvoice(db, s.desk, unpaid.id, { idempotencyKey: key() }, NOW);

		const month = NOW.toISOString().slice(0, 7);
		const mine = await doctorEarnings(db, s.doctor, { month });
		expect(mine.lines.map((l) => [l.category, l.amount, l.share])).toEqual([
			['consultation', 200_000, 120_000],
			['consultation', 100_000, 60_000]
		]);
		expect(mine.byCategory.consultation).toEqual({ amount: 300_000, share: 180_000 });
		expect(mine.total).toBe(180_000);
		expect((await doctorEarnings(db, s.admin, { doctorId, month })).total).toBe(180_000);
		expect((await doctorEarnings(db, other, { month })).total).toBe(0);
		expect(await failure(doctorEarnings(db, other, { doctorId, month }))).toMatchObject({ status: 403 });
		for (const who of [s.desk, s.pharmacist]) expect(await failure(doctorEarnings(db, who, { month }))).toMatchObject({ status: 403 });
		expect(await failure(doctorEarnings(db, s.doctor, { month: '2026-13' }))).toMatchObject({ status: 400, field: 'month' });
	});
});
