import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { eq } from 'drizzle-orm';
import { testDatabase } from '../db';
import { ctxOf, key, makePatient } from './queueScene';
import { makeClinic, makeMember } from '../factories';
import { creditNote, invoice, patientCredit, payment } from '../../src/lib/server/db/schema';
import { createInvoice, getInvoice, issueInvoice, voidInvoice } from '../../src/lib/server/billing/invoices';
import { createCreditNote, patientCreditBalance, recordPayment, refundPayment } from '../../src/lib/server/billing/payments';
import { PAYMENT_METHODS } from '../../src/lib/server/billing/schema';
import type { Database } from '../../src/lib/server/db';

let database: Database;
beforeAll(async () => {
	database = await testDatabase();
});

type Op =
	| { kind: 'issue'; price: number; quantity: number }
	| { kind: 'pay'; invoice: number; percent: number; method: (typeof PAYMENT_METHODS)[number]; keepExcess: boolean }
	| { kind: 'refund'; payment: number; percent: number }
	| { kind: 'credit'; invoice: number; percent: number }
	| { kind: 'void'; invoice: number };

/** Amounts as a percentage of what is owed or left, so that a sequence meets both the fitting and the too-large. */
const op: fc.Arbitrary<Op> = fc.oneof(
	{
		weight: 2,
		arbitrary: fc.record({ kind: fc.constant('issue' as const), price: fc.integer({ min: 1, max: 500_000 }), quantity: fc.integer({ min: 1, max: 3 }) })
	},
	{
		weight: 4,
		arbitrary: fc.record({
			kind: fc.constant('pay' as const),
			invoice: fc.nat(),
			percent: fc.integer({ min: 1, max: 150 }),
			method: fc.constantFrom(...PAYMENT_METHODS),
			keepExcess: fc.boolean()
		})
	},
	{ weight: 2, arbitrary: fc.record({ kind: fc.constant('refund' as const), payment: fc.nat(), percent: fc.integer({ min: 1, max: 130 }) }) },
	{ weight: 2, arbitrary: fc.record({ kind: fc.constant('credit' as const), invoice: fc.nat(), percent: fc.integer({ min: 1, max: 130 }) }) },
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('void' as const), invoice: fc.nat() }) }
);

/** The refusals a random sequence runs into by design; anything else fails the property. */
const EXPECTED = new Set(['exceeds_balance', 'refund_exceeds', 'credit_exceeds', 'invoice_state']);
const refusalIsFine = (e: { code?: string }) => {
	if (!e.code || !EXPECTED.has(e.code)) throw e;
	return null;
};
const part = (amount: number, percent: number) => Math.max(1, Math.round((amount * percent) / 100));
const serial = (number: string) => Number(number.split('-').at(-1));

/**
 * Random sequences of issuing, paying in part or in full (any method, the patient's credit too,
 * with or without keeping the excess), refunding, crediting and voiding keep the ledger whole:
 * for every invoice what was paid (refunds subtracted) plus what was credited stays within the
 * total, the invoice's running sums and balance equal the sums of its rows, its status follows
 * from them, no payment is refunded beyond what it brought, the patient's credit never goes below
 * zero and equals its rows, and invoice and credit-note numbers run 1, 2, 3… without a gap.
 */
describe('the billing ledger under any sequence of operations', () => {
	it('keeps paid + credited ≤ total, balances equal to the ledger’s sums, credit ≥ 0, and numbers gapless', async () => {
		const db = database.db;
		/** What the runs did, all together: the property must have met each kind of operation, not skipped them. */
		const done = { issue: 0, pay: 0, refund: 0, credit: 0, void: 0, refused: 0 };
		const counted =
			<T>(kind: keyof typeof done) =>
			(result: T | null) => {
				if (result === null) done.refused++;
				else done[kind]++;
				return result;
			};
		await fc.assert(
			fc.asyncProperty(fc.array(op, { minLength: 4, maxLength: 16 }), async (ops) => {
				const home = await makeClinic(db);
				const [adminUser, deskUser] = await Promise.all([makeMember(db, home.id, 'admin'), makeMember(db, home.id, 'reception')]);
				const admin = ctxOf(home.id, adminUser.id, 'admin');
				const desk = ctxOf(home.id, deskUser.id, 'reception');
				const patient = await makePatient(db, home.id);
				const invoices: string[] = [];
				const payments: string[] = [];
				for (const o of ops) {
					if (o.kind === 'issue') {
						const draft = await createInvoice(db, desk, {
							patientId: patient.id,
							lines: [{ description: 'Procedure', category: 'procedure', quantity: o.quantity, unitPrice: o.price }],
							idempotencyKey: key()
						});
						await issueInvoice(db, desk, draft.id, { idempotencyKey: key() });
						invoices.push(draft.id);
						done.issue++;
						continue;
					}
					if (o.kind === 'refund') {
						if (payments.length === 0) continue;
						const id = payments[o.payment % payments.length];
						const [original] = await db.select().from(payment).where(eq(payment.id, id));
						await refundPayment(db, admin, id, { amount: part(original.amount, o.percent), reason: 'Returned', idempotencyKey: key() })
							.catch(refusalIsFine)
							.then(counted('refund'));
						continue;
					}
					if (invoices.length === 0) continue;
					const id = invoices[o.invoice % invoices.length];
					const owed = (await getInvoice(db, desk, id)).balance;
					if (o.kind === 'pay') {
						const taken = await recordPayment(db, desk, id, {
							amount: part(Math.max(owed, 1), o.percent),
							method: o.method,
							keepExcessAsCredit: o.method === 'credit' ? false : o.keepExcess,
							idempotencyKey: key()
						})
							.catch((e: { code?: string }) => (e.code === 'credit_exceeds' ? null : refusalIsFine(e)))
							.then(counted('pay'));
						if (taken) payments.push(taken.id);
					} else if (o.kind === 'credit') {
						await createCreditNote(db, admin, id, { amount: part(Math.max(owed, 1), o.percent), reason: 'Goodwill', idempotencyKey: key() })
							.catch(refusalIsFine)
							.then(counted('credit'));
					} else {
						await voidInvoice(db, admin, id, { reason: 'Entered twice', idempotencyKey: key() }).catch(refusalIsFine).then(counted('void'));
					}
				}

				const rows = await db.select().from(invoice).where(eq(invoice.clinicId, home.id));
				const allPayments = await db.select().from(payment).where(eq(payment.clinicId, home.id));
				const notes = await db.select().from(creditNote).where(eq(creditNote.clinicId, home.id));
				for (const row of rows) {
					const own = allPayments.filter((p) => p.invoiceId === row.id);
					const paid = own.reduce((sum, p) => sum + p.amount - p.toCredit, 0);
					const credited = notes.filter((n) => n.invoiceId === row.id).reduce((sum, n) => sum + n.amount, 0);
					expect(row.paid).toBe(paid);
					expect(row.credited).toBe(credited);
					expect(paid).toBeGreaterThanOrEqual(0);
					expect(paid + credited).toBeLessThanOrEqual(row.total);
					expect((await getInvoice(db, desk, row.id)).balance).toBe(row.total - paid - credited);
					if (row.status !== 'void') expect(row.status).toBe(paid + credited >= row.total ? 'paid' : paid > 0 ? 'partly_paid' : 'issued');
					for (const p of own.filter((x) => x.refundOf === null)) {
						const refunded = own.filter((r) => r.refundOf === p.id).reduce((sum, r) => sum - r.amount, 0);
						expect(refunded).toBeLessThanOrEqual(p.amount - p.toCredit);
					}
				}
				const credits = await db.select().from(patientCredit).where(eq(patientCredit.patientId, patient.id));
				const creditSum = credits.reduce((sum, c) => sum + c.amount, 0);
				expect(creditSum).toBeGreaterThanOrEqual(0);
				expect(await patientCreditBalance(db, home.id, patient.id)).toBe(creditSum);
				expect(creditSum).toBe(allPayments.reduce((sum, p) => sum + p.toCredit - (p.method === 'credit' && p.refundOf === null ? p.amount : 0), 0));
				const numbers = rows.flatMap((r) => (r.number ? [serial(r.number)] : [])).sort((a, b) => a - b);
				expect(numbers).toEqual(numbers.map((_, i) => i + 1));
				expect(numbers).toHaveLength(invoices.length);
				const noteNumbers = notes.map((n) => serial(n.number)).sort((a, b) => a - b);
				expect(noteNumbers).toEqual(noteNumbers.map((_, i) => i + 1));
			}),
			{ numRuns: 30 }
		);
		for (const [kind, n] of Object.entries(done)) expect(n, `${kind} ${JSON.stringify(done)}`).toBeGreaterThan(0);
	}, 240_000);
});
