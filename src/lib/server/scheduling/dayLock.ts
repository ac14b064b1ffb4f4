import { sql } from 'drizzle-orm';
import type { Clinic } from '../db/schema/tenancy';
import type { Tx } from '../db';
import { clinicToday } from '../../time';
import { doctorShifts } from './queries';
import { withinHours, type Slot } from './slots';

/**
 * A clinic-day's schedule lock, so no booking lands on a day while it is being closed.
 *
 * Every command that puts an appointment on a day (booking, follow-up, a patient's request, a
 * move) takes the day's lock *shared* and then checks, inside its transaction, that the day is
 * still open for its doctor at that time (`stillInHours`): bookings never wait for each other here.
 * A command that closes days or shortens them (a clinic closure, a doctor's leave, a date's hours
 * cut short) takes the lock of each day *exclusively* before it reads that day's appointments. So a
 * booking either commits before the closure reads the day (and the closure lists it, cancels it or
 * keeps it as asked), or waits and then finds its time closed and is refused: never a live booking
 * outside the day's hours made after the check.
 *
 * Lock order (the same in every command, so they wait instead of deadlocking): a booking takes the
 * patient's row (`FOR SHARE`), then this lock, then the clinic's appointment counter (in its
 * insert); a move takes this lock of the day it moves to, then the appointment's row; a closure
 * (or leave, or shortened hours) takes the locks of its days in date order, then the appointments' rows. The audit chain comes
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
 * Whether the appointment still lies inside the doctor's hours of its day: the clinic open, the
 * doctor not on leave, the day's hours (shortened for that date, say) still holding it. Read after
 * `lockDayForBooking`, in statements of their own, so it sees a closure, leave or change of the
 * day's hours that committed while the booking waited for the lock.
 */
export async function stillInHours(tx: Tx, home: Pick<Clinic, 'id' | 'timezone'>, doctorId: string, slot: Slot): Promise<boolean> {
	const day = clinicToday(home.timezone, slot.start);
	return withinHours(day, home.timezone, await doctorShifts(tx, home.id, doctorId, day), slot);
}
