import { and, eq, gte } from 'drizzle-orm';
import { availabilityException, availabilityTemplate, clinicClosure } from '../db/schema/scheduling';
import { clinic } from '../db/schema';
import type { Db, Tx } from '../db';
import { runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { forbidden, notFound } from '../errors';
import { parseInput } from '../validation';
import type { ClinicContext } from '../tenancy/members';
import { clinicToday } from '../../time';
import { can } from './policy';
import { availabilityInput, upcomingClosureInput } from './schema';
import { isClinicDoctor } from './queries';
import { clinicDocumentsChanged } from '../sync/changes';
import { isUuid } from '../text';

/** Hours shape every open calendar of the clinic (its shading, the free times offered): all are rebuilt after commit. */
async function hoursChanged(tx: Tx, clinicId: string): Promise<void> {
	await clinicDocumentsChanged(tx, [clinicId]);
}

/**
 * Replaces a doctor's weekly template, and their exceptions from today on, with the given ones
 * (the PUT semantics of the API). Past exceptions stay as history.
 */
export async function setAvailability(db: Db, ctx: ClinicContext, doctorId: string, input: unknown) {
	if (!can(ctx.actor, 'availability.manage', { doctorId })) throw forbidden();
	if (!isUuid(doctorId)) throw notFound('No such doctor in this clinic');
	const data = parseInput(availabilityInput, input);
	const [home] = await db.select({ timezone: clinic.timezone }).from(clinic).where(eq(clinic.id, ctx.clinicId));
	if (!home || !(await isClinicDoctor(db, ctx.clinicId, doctorId))) throw notFound('No such doctor in this clinic');
	const today = clinicToday(home.timezone);
	return runCommand(db, null, async (tx) => {
		const mine = and(eq(availabilityTemplate.clinicId, ctx.clinicId), eq(availabilityTemplate.doctorId, doctorId));
		await tx.delete(availabilityTemplate).where(mine);
		if (data.weekly.length > 0) {
			await tx.insert(availabilityTemplate).values(
				data.weekly.map((w) => ({
					clinicId: ctx.clinicId,
					doctorId,
					weekday: w.weekday,
					startTime: w.start,
					endTime: w.end,
					slotMinutes: w.slotMinutes,
					breaks: w.breaks
				}))
			);
		}
		await tx
			.delete(availabilityException)
			.where(and(eq(availabilityException.clinicId, ctx.clinicId), eq(availabilityException.doctorId, doctorId), gte(availabilityException.day, today)));
		const upcoming = data.exceptions.filter((e) => e.date >= today);
		if (upcoming.length > 0) {
			await tx.insert(availabilityException).values(
				upcoming.map((e) => ({
					clinicId: ctx.clinicId,
					doctorId,
					day: e.date,
					off: e.off,
					startTime: e.off ? null : (e.start ?? null),
					endTime: e.off ? null : (e.end ?? null),
					slotMinutes: e.slotMinutes ?? null,
					reason: e.reason
				}))
			);
		}
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'availability.set',
			entityType: 'doctor',
			entityId: doctorId,
			data: { shifts: data.weekly.length, exceptions: upcoming.length }
		});
		await hoursChanged(tx, ctx.clinicId);
		return { weekly: data.weekly, exceptions: upcoming };
	});
}

/** A clinic holiday or blackout date (admins); no one can be booked that day. */
export async function addClinicClosure(db: Db, ctx: ClinicContext, input: unknown) {
	if (!can(ctx.actor, 'closure.manage')) throw forbidden();
	const [home] = await db.select({ timezone: clinic.timezone }).from(clinic).where(eq(clinic.id, ctx.clinicId));
	if (!home) throw notFound();
	// A day already gone is refused: the list shows closures from today on, so it would vanish unseen.
	const data = parseInput(upcomingClosureInput(clinicToday(home.timezone)), input);
	return runCommand(db, null, async (tx) => {
		const [row] = await tx
			.insert(clinicClosure)
			.values({ clinicId: ctx.clinicId, day: data.date, reason: data.reason, createdBy: ctx.actor.userId })
			.onConflictDoUpdate({ target: [clinicClosure.clinicId, clinicClosure.day], set: { reason: data.reason } })
			.returning();
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'closure.add',
			entityType: 'clinic_closure',
			entityId: row.id,
			data
		});
		await hoursChanged(tx, ctx.clinicId);
		return row;
	});
}

export async function removeClinicClosure(db: Db, ctx: ClinicContext, closureId: string) {
	if (!can(ctx.actor, 'closure.manage')) throw forbidden();
	if (!isUuid(closureId)) throw notFound();
	return runCommand(db, null, async (tx) => {
		const [row] = await tx
			.delete(clinicClosure)
			.where(and(eq(clinicClosure.clinicId, ctx.clinicId), eq(clinicClosure.id, closureId)))
			.returning();
		if (!row) throw notFound();
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'closure.remove',
			entityType: 'clinic_closure',
			entityId: row.id,
			data: { date: row.day }
		});
		await hoursChanged(tx, ctx.clinicId);
		return row;
	});
}

/** Ids from forms and URLs are checked before they reach a uuid column (which would fail loudly). */
