import { and, eq } from 'drizzle-orm';
import { appointment } from '../db/schema/scheduling';
import { clinic } from '../db/schema';
import type { Db } from '../db';
import { requiredIdempotency, runCommand } from '../command';
import { AppError, forbidden, notFound } from '../errors';
import { parseInput } from '../validation';
import type { ClinicContext } from '../tenancy/context';
import { addDays, clinicToday } from '../../time';
import { can } from './policy';
import { followUpInput } from './schema';
import { freeSlots } from './queries';
import { insertAppointment, slotTakenOr, type BookedAppointment } from './bookAppointment';
import { isUuid } from '../text';

/** How far past the asked-for date a follow-up may land before the desk has to choose by hand. */
const SEARCH_DAYS = 28;

/**
 * "See me again in N weeks": books the same patient with the same doctor in the doctor's first
 * free slot on or after the date N weeks from the appointment. A desk racing for that slot gets
 * `slot_taken` like any booking; a retry with the same idempotency key returns the first booking.
 */
export async function bookFollowUp(db: Db, ctx: ClinicContext, appointmentId: string, input: unknown): Promise<BookedAppointment> {
	if (!can(ctx.actor, 'appointment.book')) throw forbidden();
	const data = parseInput(followUpInput, input);
	const idempotency = requiredIdempotency(`appointment.follow_up:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, { appointmentId, ...data });
	const [home] = await db.select().from(clinic).where(eq(clinic.id, ctx.clinicId));
	if (!home || !isUuid(appointmentId)) throw notFound('No such appointment');
	const [original] = await db
		.select()
		.from(appointment)
		.where(and(eq(appointment.clinicId, ctx.clinicId), eq(appointment.id, appointmentId)));
	if (!original) throw notFound('No such appointment');
	const from = addDays(clinicToday(home.timezone, original.startsAt), data.weeks * 7);
	let slot: { start: Date; end: Date } | undefined;
	for (let i = 0; i < SEARCH_DAYS && !slot; i++) {
		[slot] = await freeSlots(db, ctx.clinicId, home.timezone, original.doctorId, addDays(from, i));
	}
	if (!slot) throw new AppError('no_free_slot', 409, 'The doctor has no free slot in the weeks after that date', 'weeks');
	const found = slot;
	const status = home.autoConfirmStaffBookings ? 'confirmed' : 'requested';
	try {
		return await runCommand(db, idempotency, (tx) =>
			insertAppointment(tx, ctx, home, {
				patientId: original.patientId,
				doctorId: original.doctorId,
				slot: found,
				status,
				reason: original.reason,
				followUpOf: original.id
			})
		);
	} catch (e) {
		return slotTakenOr(e);
	}
}
