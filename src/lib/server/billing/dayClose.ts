import { and, eq, gte, lt, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { dayClose, payment } from '../db/schema';
import type { Db, Tx } from '../db';
import { idempotencyKeyInput, requiredIdempotency, runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { badRequest, conflict, forbidden } from '../errors';
import { isUniqueViolation } from '../db/errors';
import { withFieldCode } from '../fieldCodes';
import { parseInput } from '../validation';
import { text } from '../tenancy/schema';
import { isoDay } from '../text';
import type { ClinicContext } from '../tenancy/context';
import { clinicToday, dayBounds } from '../../time';
import { billingClinic } from './invoices';
import { can } from './policy';

type Reader = Db | Tx;

/** The methods a desk counts at the end of the day (credit moves no money). */
export const COUNTED_METHODS = ['cash', 'card', 'wallet', 'bank', 'qr'] as const;
type Counted = Record<(typeof COUNTED_METHODS)[number], number>;

const amount = withFieldCode(z.number().int().min(0).max(1_000_000_000_000), 'amount_invalid');

export const dayCloseInput = z.strictObject({
	day: isoDay().optional(),
	counted: z.strictObject({ cash: amount.default(0), card: amount.default(0), wallet: amount.default(0), bank: amount.default(0), qr: amount.default(0) }),
	reason: text(500).default(''),
	idempotencyKey: idempotencyKeyInput.optional()
});

const dayQuery = z.strictObject({ day: isoDay().optional() });

/** What this desk's payments took on a clinic day, per method (refunds subtract). */
async function expectedOf(db: Reader, clinicId: string, actorId: string, day: string, timezone: string): Promise<Counted> {
	const { from, to } = dayBounds(day, timezone);
	const rows = await db
		.select({ method: payment.method, sum: sql<number>`coalesce(sum(${payment.amount} - ${payment.toCredit}), 0)::bigint` })
		.from(payment)
		.where(
			and(eq(payment.clinicId, clinicId), eq(payment.actorId, actorId), ne(payment.method, 'credit'), gte(payment.createdAt, from), lt(payment.createdAt, to))
		)
		.groupBy(payment.method);
	const expected = Object.fromEntries(COUNTED_METHODS.map((m) => [m, 0])) as Counted;
	for (const r of rows) if (r.method in expected) expected[r.method as keyof Counted] = Number(r.sum);
	return expected;
}

const differences = (expected: Counted, counted: Counted) => Object.fromEntries(COUNTED_METHODS.map((m) => [m, counted[m] - expected[m]])) as Counted;

/** `GET …/day-close?day=`: the caller's day so far, what it expects per method, and whether it is closed. */
export async function deskDay(db: Reader, ctx: ClinicContext, query: unknown, now = new Date()) {
	if (!can(ctx.actor, 'day.close')) throw forbidden();
	const q = parseInput(dayQuery, query);
	const home = await billingClinic(db, ctx.clinicId);
	const day = q.day ?? clinicToday(home.timezone, now);
	const [closed] = await db
		.select()
		.from(dayClose)
		.where(and(eq(dayClose.clinicId, ctx.clinicId), eq(dayClose.actorId, ctx.actor.userId), eq(dayClose.day, day)));
	const expected = closed ? (closed.expected as Counted) : await expectedOf(db, ctx.clinicId, ctx.actor.userId, day, home.timezone);
	return {
		day,
		expected,
		closed: closed
			? {
					counted: closed.counted as Counted,
					differences: differences(expected, closed.counted as Counted),
					reason: closed.reason,
					at: closed.createdAt.toISOString()
				}
			: null
	};
}

/**
 * `POST …/day-close`: the desk counts what it holds per method; the differences against what its
 * payments say are recorded, with a reason whenever there is one (400 `field_required` on
 * `reason`). Once per desk and day (409 `day_closed`); the record is never changed.
 */
export async function closeDay(db: Db, ctx: ClinicContext, input: unknown, now = new Date()) {
	if (!can(ctx.actor, 'day.close')) throw forbidden();
	const data = parseInput(dayCloseInput, input);
	const home = await billingClinic(db, ctx.clinicId);
	const today = clinicToday(home.timezone, now);
	const day = data.day ?? today;
	if (day > today) throw badRequest('A day is closed when it has happened', 'day', 'field_invalid');
	const counted: Counted = data.counted;
	const idempotency = requiredIdempotency(`day.close:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, data);
	try {
		return await runCommand(db, idempotency, async (tx) => {
			const expected = await expectedOf(tx, ctx.clinicId, ctx.actor.userId, day, home.timezone);
			const diff = differences(expected, counted);
			if (Object.values(diff).some((d) => d !== 0) && !data.reason) throw badRequest('Say why the count differs', 'reason', 'field_required');
			await tx.insert(dayClose).values({ clinicId: ctx.clinicId, actorId: ctx.actor.userId, day, expected, counted, reason: data.reason, createdAt: now });
			await appendAudit(tx, {
				clinicId: ctx.clinicId,
				actorUserId: ctx.actor.userId,
				action: 'day.close',
				entityType: 'day_close',
				entityId: null,
				data: { day, expected, counted, differences: diff, reason: data.reason }
			});
			return { day, expected, counted, differences: diff, reason: data.reason };
		});
	} catch (e) {
		if (isUniqueViolation(e, 'day_close_desk_day_key')) throw conflict('This day is already closed for you', 'day_closed');
		throw e;
	}
}
