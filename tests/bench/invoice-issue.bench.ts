/**
 * Issuing invoices at once, and retried payments. Rounds of 50 drafts issued concurrently by four
 * desks: every issue succeeds and the numbers of all rounds together are exactly 1…N for the
 * fiscal year (distinct, no gaps); throughput and each issue's latency are printed. Then 100
 * payment requests with one idempotency key, all at once: exactly one payment is recorded and
 * every answer is that payment. On PGlite the commands run one at a time: run it with
 * DATABASE_URL for real concurrency.
 */
import { eq } from 'drizzle-orm';
import { openDatabase, setDatabase } from '../../src/lib/server/db';
import { invoice, patient, payment } from '../../src/lib/server/db/schema';
import { createInvoice, issueInvoice } from '../../src/lib/server/billing/invoices';
import { recordPayment } from '../../src/lib/server/billing/payments';
import { makeClinic, makeMember, rand } from '../factories';
import { percentile, round } from './lib';

const CONCURRENT = Number(process.env.BENCH_ISSUES ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const RETRIES = 100;
const database = await openDatabase({ url: process.env.DATABASE_URL || undefined, dataDir: null });
setDatabase(database);
const { db } = database;
const clinic = await makeClinic(db);
const desks = await Promise.all([0, 1, 2, 3].map(() => makeMember(db, clinic.id, 'reception')));
const ctxOf = (i: number) => ({ clinicId: clinic.id, actor: { userId: desks[i % desks.length].id, role: 'reception' as const } });
const [{ id: patientId }] = await db.insert(patient).values({ clinicId: clinic.id, refNo: 1, name: 'Bench Patient' }).returning({ id: patient.id });

async function drafts(count: number) {
	const ids: string[] = [];
	for (let i = 0; i < count; i++) {
		const draft = await createInvoice(db, ctxOf(i), {
			patientId,
			lines: [{ description: 'Consultation', category: 'consultation', quantity: 1, unitPrice: 150_000 + i }],
			idempotencyKey: `draft-${rand(8)}`
		});
		ids.push(draft.id);
	}
	return ids;
}

const latencies: number[] = [];
let issued = 0;
let failed = 0;
let issuing = 0;
for (let round_ = 0; round_ < ROUNDS; round_++) {
	const ids = await drafts(CONCURRENT);
	const started = process.hrtime.bigint();
	const results = await Promise.allSettled(
		ids.map(async (id, i) => {
			const t = process.hrtime.bigint();
			const done = await issueInvoice(db, ctxOf(i), id, { idempotencyKey: `issue-${rand(8)}` });
			latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
			return done;
		})
	);
	issuing += Number(process.hrtime.bigint() - started) / 1e6;
	issued += results.filter((r) => r.status === 'fulfilled').length;
	failed += results.filter((r) => r.status === 'rejected').length;
}
const numbers = (await db.select({ number: invoice.number }).from(invoice).where(eq(invoice.clinicId, clinic.id)))
	.flatMap((r) => (r.number ? [Number(r.number.split('-').at(-1))] : []))
	.sort((a, b) => a - b);
const distinct = new Set(numbers).size;
const gapless = numbers.length === CONCURRENT * ROUNDS && numbers.every((n, i) => n === i + 1);
latencies.sort((a, b) => a - b);

// 100 retries of one payment request by one desk (a key is the desk's own), all at once.
const [target] = await drafts(1);
await issueInvoice(db, ctxOf(0), target, { idempotencyKey: `issue-${rand(8)}` });
const key = `retry-${rand(8)}`;
const answers = await Promise.allSettled(
	Array.from({ length: RETRIES }, () => recordPayment(db, ctxOf(0), target, { amount: 50_000, method: 'cash', idempotencyKey: key }))
);
const paymentIds = new Set(answers.flatMap((a) => (a.status === 'fulfilled' ? [a.value.id] : [])));
const recorded = await db.select().from(payment).where(eq(payment.invoiceId, target));
const retryRefusals = answers.filter((a) => a.status === 'rejected').map((a) => (a as PromiseRejectedResult).reason?.code ?? String(a.reason));

console.log(
	JSON.stringify({
		bench: 'invoice-issue',
		database: process.env.DATABASE_URL ? 'postgres' : 'pglite',
		concurrent: CONCURRENT,
		rounds: ROUNDS,
		issued,
		failed,
		distinct_numbers: distinct,
		gapless_from_1: gapless,
		issues_per_s: round((issued / issuing) * 1000),
		issue_p50_ms: round(percentile(latencies, 50)),
		issue_p99_ms: round(percentile(latencies, 99)),
		round_ms: round(issuing / ROUNDS),
		retried_payment_requests: RETRIES,
		payments_recorded: recorded.length,
		distinct_answers: paymentIds.size,
		retry_refusals: [...new Set(retryRefusals)]
	})
);
await database.close();
process.exit(gapless && failed === 0 && recorded.length === 1 && paymentIds.size === 1 ? 0 : 1);
