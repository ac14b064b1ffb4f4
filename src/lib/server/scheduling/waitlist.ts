import { and, asc, eq, ne, sql } from 'drizzle-orm';
import { appointment, waitlistEntry } from '../db/schema/scheduling';
import { patient } from '../db/schema/patients';
import { emit } from '../notifications/outbox';
import type { Db, Tx } from '../db';
import { runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { badRequest, conflict, forbidden, notFound } from '../errors';
import { parseInput } from '../validation';
import type { ClinicContext } from '../tenancy/context';
import { can } from './policy';
import { documentsChanged } from '../sync/changes';
import { documentName } from '../../sync/protocol';
import { waitlistInput } from './schema';
import { isMovableStatus } from './queries';
import { isClinicDoctor } from '../tenancy/doctors';
import { isUuid } from '../text';

/** A patient waits for an earlier slot with a doctor. */
export async function joinWaitlist(db: Db, ctx: ClinicContext, input: unknown) {
	if (!can(ctx.actor, 'appointment.book')) throw forbidden();
	const data = parseInput(waitlistInput, input);
	if (!(await isClinicDoctor(db, ctx.clinicId, data.doctorId))) throw badRequest('No such doctor in this clinic', 'doctorId', 'field_invalid');
	const [who] = await db
		.select({ id: patient.id })
		.from(patient)
		.where(and(eq(patient.clinicId, ctx.clinicId), eq(patient.id, data.patientId)));
	if (!who) throw badRequest('No such patient in this clinic', 'patientId', 'field_invalid');
	if (data.currentAppointmentId) await assertMovable(db, ctx.clinicId, data.currentAppointmentId, data.patientId, data.doctorId);
	return runCommand(db, null, async (tx) => {
		const [row] = await tx
			.insert(waitlistEntry)
			.values({
				clinicId: ctx.clinicId,
				patientId: data.patientId,
				doctorId: data.doctorId,
				currentAppointmentId: data.currentAppointmentId ?? null,
				note: data.note
			})
			.returning();
		await documentsChanged(tx, [documentName.waitlist(ctx.clinicId)]);
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'waitlist.join',
			entityType: 'waitlist_entry',
			entityId: row.id,
			data: { doctorId: data.doctorId, patientId: data.patientId }
		});
		return row;
	});
}

/**
 * The appointment an accepted offer would move must be this patient's, with this doctor, still
 * open and still ahead: anything else would move someone else's booking or a finished visit.
 */
async function assertMovable(db: Db, clinicId: string, appointmentId: string, patientId: string, doctorId: string) {
	const held = await db.query.appointment.findFirst({
		columns: { patientId: true, doctorId: true, status: true, startsAt: true },
		where: and(eq(appointment.clinicId, clinicId), eq(appointment.id, appointmentId))
	});
	const movable = isMovableStatus(held?.status ?? '');
	if (!held || held.patientId !== patientId || held.doctorId !== doctorId || !movable || held.startsAt.getTime() <= Date.now()) {
		throw badRequest('Not an upcoming appointment of this patient with this doctor', 'currentAppointmentId', 'field_invalid');
	}
}

/**
 * When a slot frees up, the first patient waiting for that doctor (in the order they joined, and
 * only if the slot is earlier than what they hold) is offered it: the entry turns `offered` and a
 * notification event goes to the outbox, in the same transaction as the change that freed it.
 */
export async function offerFreedSlot(tx: Tx, clinicId: string, doctorId: string, freedStart: Date, exceptEntryId?: string): Promise<string | null> {
	if (freedStart.getTime() <= Date.now()) return null;
	const [first] = await tx
		.select({ id: waitlistEntry.id, patientId: waitlistEntry.patientId })
		.from(waitlistEntry)
		.leftJoin(appointment, eq(appointment.id, waitlistEntry.currentAppointmentId))
		.where(
			and(
				eq(waitlistEntry.clinicId, clinicId),
				eq(waitlistEntry.doctorId, doctorId),
				eq(waitlistEntry.status, 'waiting'),
				exceptEntryId ? ne(waitlistEntry.id, exceptEntryId) : undefined,
				sql`(${appointment.startsAt} IS NULL OR ${appointment.startsAt} > ${freedStart.toISOString()})`
			)
		)
		.orderBy(asc(waitlistEntry.createdAt))
		.limit(1)
		.for('update', { of: waitlistEntry, skipLocked: true });
	if (!first) return null;
	await tx.update(waitlistEntry).set({ status: 'offered', offeredStart: freedStart, updatedAt: new Date() }).where(eq(waitlistEntry.id, first.id));
	await emit(tx, clinicId, {
		type: 'waitlist.offered',
		payload: { waitlistEntryId: first.id, patientId: first.patientId, doctorId, start: freedStart.toISOString() }
	});
	return first.id;
}

export async function withdrawFromWaitlist(db: Db, ctx: ClinicContext, entryId: string) {
	if (!can(ctx.actor, 'appointment.change')) throw forbidden();
	if (!isUuid(entryId)) throw notFound();
	return runCommand(db, null, async (tx) => {
		const before = await lockEntry(tx, ctx.clinicId, entryId);
		// Already withdrawn or booked: there is no place in the line left to give up.
		if (before.status !== 'waiting' && before.status !== 'offered') throw notFound();
		const [row] = await tx.update(waitlistEntry).set({ status: 'withdrawn', updatedAt: new Date() }).where(eq(waitlistEntry.id, before.id)).returning();
		// An offer nobody takes up would leave the slot empty: it goes to the next in line.
		if (before.status === 'offered' && before.offeredStart) await offerFreedSlot(tx, ctx.clinicId, before.doctorId, before.offeredStart, before.id);
		await documentsChanged(tx, [documentName.waitlist(ctx.clinicId)]);
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'waitlist.withdraw',
			entityType: 'waitlist_entry',
			entityId: row.id
		});
		return row;
	});
}

async function lockEntry(tx: Tx, clinicId: string, entryId: string) {
	const [row] = await tx
		.select()
		.from(waitlistEntry)
		.where(and(eq(waitlistEntry.clinicId, clinicId), eq(waitlistEntry.id, entryId)))
		.for('update');
	if (!row) throw notFound();
	return row;
}

/**
 * The patient says no to the time offered (the desk records it for them): they keep their place
 * in the line for a later chance, and the slot is offered to the next patient waiting.
 */
export async function declineWaitlistOffer(db: Db, ctx: ClinicContext, entryId: string) {
	if (!can(ctx.actor, 'appointment.book')) throw forbidden();
	if (!isUuid(entryId)) throw notFound();
	return runCommand(db, null, async (tx) => {
		const before = await lockEntry(tx, ctx.clinicId, entryId);
		if (before.status !== 'offered' || !before.offeredStart) throw conflict('This offer is no longer open', 'offer_not_open');
		const [row] = await tx
			.update(waitlistEntry)
			.set({ status: 'waiting', offeredStart: null, updatedAt: new Date() })
			.where(eq(waitlistEntry.id, before.id))
			.returning();
		const next = await offerFreedSlot(tx, ctx.clinicId, before.doctorId, before.offeredStart, before.id);
		await documentsChanged(tx, [documentName.waitlist(ctx.clinicId)]);
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'waitlist.decline',
			entityType: 'waitlist_entry',
			entityId: row.id,
			data: { start: before.offeredStart.toISOString(), offeredTo: next }
		});
		return row;
	});
}

/** The clinic's waiting list as the people who book may read it: patients' names and wishes. */
export async function clinicWaitlist(db: Db, ctx: ClinicContext) {
	if (!can(ctx.actor, 'waitlist.view')) throw forbidden();
	return waitlistRows(db, ctx.clinicId);
}

/** Every open entry; the caller has decided who may see them (the waitlist projection's door does). */
export async function waitlistRows(db: Db, clinicId: string) {
	return db
		.select({
			id: waitlistEntry.id,
			patientId: waitlistEntry.patientId,
			patientName: patient.name,
			doctorId: waitlistEntry.doctorId,
			status: waitlistEntry.status,
			offeredStart: waitlistEntry.offeredStart,
			currentAppointmentId: waitlistEntry.currentAppointmentId,
			currentStart: appointment.startsAt,
			note: waitlistEntry.note,
			createdAt: waitlistEntry.createdAt
		})
		.from(waitlistEntry)
		.innerJoin(patient, eq(patient.id, waitlistEntry.patientId))
		.leftJoin(appointment, eq(appointment.id, waitlistEntry.currentAppointmentId))
		.where(and(eq(waitlistEntry.clinicId, clinicId), sql`${waitlistEntry.status} IN ('waiting', 'offered')`))
		.orderBy(asc(waitlistEntry.createdAt));
}
