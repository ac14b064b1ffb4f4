import { and, eq, sql } from 'drizzle-orm';
import { availabilityException, clinicClosure } from '../db/schema/scheduling';
import { clinic } from '../db/schema/tenancy';
import type { Tx } from '../db';

/**
 * A clinic-day's schedule lock, so no booking lands on a day while it is being closed.
 *
 * Every command that puts an appointment on a day (booking, follow-up, a patient's request, a
 * move) takes the day's lock *shared* and then checks, inside its transaction, that the day is
 * still open for its doctor (`dayClosedFor`): bookings never wait for each other here. A command
 * that closes days (a clinic closure, a doctor's leave) takes the lock of each day *exclusively*
 * before it reads that day's appointments. So a booking either commits before the closure reads
 * the day (and the closure lists it, cancels it or keeps it as asked), or waits and then finds the
 * day closed and is refused: never a live booking on a closed day made after the check.
 *
 * Lock order (the same in every command, so they wait instead of deadlocking): a booking takes the
 * patient's row (`FOR SHARE`), then this lock, then the clinic's appointment counter (in its
 * insert); a move takes this lock of the day it moves to, then the appointment's row; a closure
 * takes the locks of its days in date order, then the appointments' rows. The audit chain comes
 * last, in `runCommand`.
 */
const key = (clinicId: string, day: string) => `schedule:${clinicId}:${day}`;

/** For a command that adds an appointment to the day: many at once, none while the day is being closed. */
export async function lockDayForBooking(tx: Tx, clinicId: string, day: string): Promise<void> {
	await tx.execute(sql`SELECT pg_advisory_xact_lock_shared(hashtext(${key(clinicId, day)}))`);
}

/** For a command that closes days: waits for bookings of those days in flight, and holds new ones back until it commits. */
export async function lockDaysForClosing(tx: Tx, clinicId: string, days: Iterable<string>): Promise<void> {
	for (const day of [...new Set(days)].sort()) {
		await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${key(clinicId, day)}))`);
	}
}

/**
 * Whether the clinic is closed on the day, or the doctor is on leave then. Read after
 * `lockDayForBooking`, in its own statement, so it sees a closure that committed while the
 * booking waited for the lock.
 */
export async function dayClosedFor(tx: Tx, clinicId: string, doctorId: string, day: string): Promise<boolean> {
	const [row] = await tx
		.select({
			closed: sql<boolean>`EXISTS (SELECT 1 FROM ${clinicClosure} WHERE ${and(eq(clinicClosure.clinicId, clinicId), eq(clinicClosure.day, day))})
				OR EXISTS (SELECT 1 FROM ${availabilityException} WHERE ${and(
					eq(availabilityException.clinicId, clinicId),
					eq(availabilityException.doctorId, doctorId),
					eq(availabilityException.day, day),
					eq(availabilityException.off, true)
				)})`
		})
		.from(clinic)
		.where(eq(clinic.id, clinicId));
	return row?.closed === true;
}
