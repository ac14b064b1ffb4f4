import { and, eq } from 'drizzle-orm';
import { patient, type Clinic } from '../db/schema';
import { lockDayForBooking } from './dayLock';
import type { Db, Tx } from '../db';
import { requiredIdempotency, runCommand } from '../command';
import { AppError, forbidden, type Clash } from '../errors';
import { pgError } from '../db/errors';
import { parseInput } from '../validation';
import type { ClinicContext } from '../tenancy/context';
import { can } from './policy';
import { bookRequestInput, type BookRequest } from './schema';
import { closedDays, doctorBusy, doctorShifts } from './queries';
import { overlaps, slotStartingAt, type Slot } from './slots';
import { seriesOccurrences, type Occurrence } from './series';
import { bookParsed, checkBooking, insertAppointment, slotTakenOr, staffBookingStatus, type BookedAppointment } from './bookAppointment';

/** A recurring booking: its appointments, earliest first, and the dates skipped because they clashed. */
export type BookedSeries = { seriesId: string; appointments: BookedAppointment[]; skipped: Clash[] };

/** How often a series looks again after another booking took one of its times while it was being booked. */
const ATTEMPTS = 3;

/**
 * The desk's and the API's booking: one appointment, or with `repeat` a series of them (every
 * n days, n times). The single booking answers exactly as `bookAppointment` does.
 */
export async function bookAppointmentOrSeries(db: Db, ctx: ClinicContext, input: unknown): Promise<BookedAppointment | BookedSeries> {
	if (!can(ctx.actor, 'appointment.book')) throw forbidden();
	const { repeat, skipClashes, ...single } = parseInput(bookRequestInput, input);
	if (!repeat) return bookParsed(db, ctx, single);
	return bookSeries(db, ctx, { ...single, repeat, skipClashes });
}

/**
 * Every occurrence is a normal booking (same checks, same exclusion constraint, same audit row and
 * event), and they share a `series_id`. All of them are booked in one transaction: a clashing
 * date (taken, the doctor off, the clinic closed, outside the doctor's hours) refuses the whole
 * series with 409 `series_clashes` listing every clashing date, unless `skipClashes` books the
 * others and lists the skipped ones. One idempotency key covers the whole series.
 *
 * Locks, in the single booking's order (docs/ARCHITECTURE.md): per occurrence, the patient's row
 * (shared), then the clinic's appointment counter in the insert; the audit chain last. The
 * occurrences are inserted earliest first, so two series over the same times meet at the same
 * first time and the later one waits there rather than deadlocking. When another booking commits
 * one of the times after this transaction checked it, the exclusion constraint refuses the
 * insert; the transaction is rolled back and the series checked again, now seeing that booking.
 */
async function bookSeries(db: Db, ctx: ClinicContext, data: BookRequest & { repeat: NonNullable<BookRequest['repeat']> }): Promise<BookedSeries> {
	const idempotency = requiredIdempotency(`appointment.book:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, data);
	const { home, type } = await checkBooking(db, ctx, data);
	const occurrences = seriesOccurrences(data.start, home.timezone, data.repeat.everyDays, data.repeat.count);
	for (let attempt = 1; ; attempt++) {
		try {
			return await runCommand(db, idempotency, async (tx) => {
				// The locks a single booking takes, in its order, for every day of the series at once
				// (dayLock.ts): the patient's row, then each day's schedule lock in date order. A closure
				// of one of the days saved meanwhile is then seen by the plan as a clash of that date.
				await tx
					.select({ id: patient.id })
					.from(patient)
					.where(and(eq(patient.clinicId, ctx.clinicId), eq(patient.id, data.patientId)))
					.for('share');
				for (const day of [...new Set(occurrences.map((o) => o.date))].sort()) await lockDayForBooking(tx, ctx.clinicId, day);
				const { free, clashes } = await planSeries(tx, home, data.doctorId, occurrences, type?.minutes);
				if (clashes.length > 0 && (!data.skipClashes || free.length === 0)) throw seriesClashes(clashes);
				const seriesId = crypto.randomUUID();
				const appointments: BookedAppointment[] = [];
				for (const slot of free) {
					appointments.push(
						await insertAppointment(tx, ctx, home, {
							patientId: data.patientId,
							doctorId: data.doctorId,
							slot,
							status: staffBookingStatus(home),
							reason: data.reason,
							typeId: type?.id,
							seriesId
						})
					);
				}
				return { seriesId, appointments, skipped: clashes };
			});
		} catch (e) {
			if (pgError(e)?.code === '23P01' && attempt < ATTEMPTS) continue;
			return slotTakenOr(e);
		}
	}
}

const seriesClashes = (clashes: Clash[]) =>
	new AppError('series_clashes', 409, `${clashes.length} date(s) of the series cannot be booked`, undefined, {}, [], {}, clashes);

/**
 * Which occurrences can be booked (their slots, earliest first) and which clash, and why: the
 * clinic closed, the doctor not working that day, the time not a slot of the doctor's schedule,
 * or the doctor already booked then (in any clinic).
 */
async function planSeries(tx: Tx, home: Clinic, doctorId: string, occurrences: Occurrence[], length?: number): Promise<{ free: Slot[]; clashes: Clash[] }> {
	const last = occurrences[occurrences.length - 1];
	const [closed, shifts, busy] = await Promise.all([
		closedDays(
			tx,
			home.id,
			occurrences.map((o) => o.date)
		),
		Promise.all(occurrences.map((o) => doctorShifts(tx, home.id, doctorId, o.date))),
		doctorBusy(tx, doctorId, occurrences[0].start, new Date(last.start.getTime() + 86_400_000))
	]);
	const free: Slot[] = [];
	const clashes: Clash[] = [];
	occurrences.forEach((o, i) => {
		const clash = (reason: Clash['reason']) => clashes.push({ date: o.date, start: o.start.toISOString(), reason });
		if (closed.has(o.date)) return clash('clinic_closed');
		if (shifts[i].length === 0) return clash('doctor_off');
		const slot = slotStartingAt(o.date, home.timezone, shifts[i], o.start, length);
		if (!slot) return clash('outside_schedule');
		if (busy.some((b) => overlaps(slot, b))) return clash('slot_taken');
		free.push(slot);
	});
	return { free, clashes };
}
