import { and, eq } from 'drizzle-orm';
import { appointment, waitlistEntry } from '../db/schema/scheduling';
import type { Db } from '../db';
import { documentsChanged } from '../sync/changes';
import { documentName } from '../../sync/protocol';
import { runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { conflict, forbidden, notFound } from '../errors';
import type { ClinicContext } from '../tenancy/context';
import { can } from './policy';
import { bookAppointment, type BookedAppointment } from './bookAppointment';
import { rescheduleAppointment } from './changeAppointment';
import { isMovableStatus } from './queries';
import { isUuid } from '../text';

/**
 * Takes up an offered slot: a patient who already holds an appointment has it moved to the
 * offered time (`moved` says from when), anyone else (or one whose appointment has closed since)
 * is booked into it; then the entry is marked booked. The move or
 * booking is its own command (the slot may have been taken meanwhile: `slot_taken`), so the entry
 * is only marked once that commits.
 */
export async function acceptWaitlistOffer(
	db: Db,
	ctx: ClinicContext,
	entryId: string,
	idempotencyKey: string | undefined
): Promise<{ booked: BookedAppointment; moved: Date | null }> {
	if (!can(ctx.actor, 'appointment.book')) throw forbidden();
	if (!isUuid(entryId)) throw notFound();
	const [entry] = await db
		.select()
		.from(waitlistEntry)
		.where(and(eq(waitlistEntry.clinicId, ctx.clinicId), eq(waitlistEntry.id, entryId)));
	if (!entry) throw notFound();
	if (entry.status !== 'offered' || !entry.offeredStart) throw conflict('This offer is no longer open', 'offer_not_open');
	const start = entry.offeredStart.toISOString();
	const held = entry.currentAppointmentId
		? await db.query.appointment.findFirst({
				columns: { id: true, startsAt: true, status: true },
				where: and(eq(appointment.clinicId, ctx.clinicId), eq(appointment.id, entry.currentAppointmentId))
			})
		: undefined;
	// Cancelled or already seen since joining: there is nothing left to move, so the offer books anew.
	const current = held && isMovableStatus(held.status) ? held : undefined;
	const booked = current
		? await rescheduleAppointment(db, ctx, current.id, { start, doctorId: entry.doctorId, idempotencyKey })
		: await bookAppointment(db, ctx, { patientId: entry.patientId, doctorId: entry.doctorId, start, idempotencyKey });
	await runCommand(db, null, async (tx) => {
		await tx.update(waitlistEntry).set({ status: 'booked', updatedAt: new Date() }).where(eq(waitlistEntry.id, entry.id));
		await documentsChanged(tx, [documentName.waitlist(ctx.clinicId)]);
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'waitlist.book',
			entityType: 'waitlist_entry',
			entityId: entry.id,
			data: { appointmentId: booked.id, start }
		});
	});
	return { booked, moved: current?.startsAt ?? null };
}
