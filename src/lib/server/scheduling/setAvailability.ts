import { and, eq, gte } from 'drizzle-orm';
import { availabilityException, availabilityTemplate, clinicClosure } from '../db/schema/scheduling';
import { clinic } from '../db/schema';
import type { Db, Tx } from '../db';
import { runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { forbidden, notFound } from '../errors';
import { parseInput } from '../validation';
import type { ClinicContext } from '../tenancy/context';
import { clinicToday, isoWeekday } from '../../time';
import { shiftsForDay, withinHours } from './slots';
import { can } from './policy';
import { availabilityInput, upcomingClosureInput, type AvailabilityInput, type ClosedDayChoice } from './schema';
import { lockDaysForClosing } from './dayLock';
import { liveAppointmentsOn, settleClosedDayAppointments, type ClosedDayOutcome } from './closedDays';
import { isClinicDoctor } from '../tenancy/doctors';
import { clinicDocumentsChanged } from '../sync/changes';
import { isUuid } from '../text';

/** Hours shape every open calendar of the clinic (its shading, the free times offered): all are rebuilt after commit. */
async function hoursChanged(tx: Tx, clinicId: string): Promise<void> {
	await clinicDocumentsChanged(tx, [clinicId]);
}

/**
 * Replaces a doctor's weekly template, and their exceptions from today on, with the given ones
 * (the PUT semantics of the API). Past exceptions stay as history. Days it newly puts the doctor
 * on leave that hold live appointments, and dates whose changed hours no longer hold some, need
 * `appointments` to say what becomes of them (`settleClosedDayAppointments`); days left as they
 * were were decided when they were given. A change of the weekly hours alone is not checked
 * against bookings (it would lock every future day).
 */
export async function setAvailability(db: Db, ctx: ClinicContext, doctorId: string, input: unknown) {
	if (!can(ctx.actor, 'availability.manage', { doctorId })) throw forbidden();
	if (!isUuid(doctorId)) throw notFound('No such doctor in this clinic');
	const data = parseInput(availabilityInput, input);
	const [home] = await db.select().from(clinic).where(eq(clinic.id, ctx.clinicId));
	if (!home || !(await isClinicDoctor(db, ctx.clinicId, doctorId))) throw notFound('No such doctor in this clinic');
	const today = clinicToday(home.timezone);
	const upcoming = data.exceptions.filter((e) => e.date >= today);
	return runCommand(db, null, async (tx) => {
		const mine = and(eq(availabilityTemplate.clinicId, ctx.clinicId), eq(availabilityTemplate.doctorId, doctorId));
		const mineFromToday = and(
			eq(availabilityException.clinicId, ctx.clinicId),
			eq(availabilityException.doctorId, doctorId),
			gte(availabilityException.day, today)
		);
		const stored = await tx.select().from(availabilityException).where(mineFromToday);
		const { newLeave, reshaped } = changedDays(stored, upcoming);
		// Lock order (dayLock.ts): the days first, in date order, then the appointments on them.
		await lockDaysForClosing(tx, ctx.clinicId, [...newLeave, ...reshaped]);
		const hoursOn = (day: string) =>
			shiftsForDay({ weekly: data.weekly.filter((w) => w.weekday === isoWeekday(day)), exception: upcoming.find((e) => e.date === day) ?? null });
		const outsideNewHours = (await liveAppointmentsOn(tx, home, reshaped, doctorId)).filter(
			(a) => !withinHours(a.day, home.timezone, hoursOn(a.day), { start: new Date(a.start), end: new Date(a.end) })
		);
		const affected = [...(await liveAppointmentsOn(tx, home, newLeave, doctorId)), ...outsideNewHours].sort((a, b) => a.start.localeCompare(b.start));
		const reasons = Object.fromEntries(upcoming.map((e) => [e.date, e.reason]));
		const leave = new Set(newLeave);
		const outcome = await settleClosedDayAppointments(tx, ctx, affected, data.appointments, {
			cause: (day) => (leave.has(day) ? 'doctor_leave' : 'doctor_hours'),
			reasons
		});
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
		await tx.delete(availabilityException).where(mineFromToday);
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
			data: { shifts: data.weekly.length, exceptions: upcoming.length, ...outcomeAudit(data.appointments, outcome) }
		});
		// The clinic-wide change rebuilds the calendars of the cancelled appointments' days and the waitlist too.
		await hoursChanged(tx, ctx.clinicId);
		return { weekly: data.weekly, exceptions: upcoming, ...outcome };
	});
}

type StoredException = typeof availabilityException.$inferSelect;
type NewException = AvailabilityInput['exceptions'][number];

/**
 * The upcoming days this save closes or changes for the doctor, decided against what was stored:
 * days it newly puts on leave (every live appointment on them is asked about), and days whose
 * one-off hours it adds, changes or removes (only the appointments the new hours no longer hold
 * are asked about). A day left as it was is not asked about again: it was decided when it was given.
 */
function changedDays(stored: StoredException[], upcoming: NewException[]): { newLeave: string[]; reshaped: string[] } {
	const hhmm = (t: string | null | undefined) => (t ? t.slice(0, 5) : '');
	const storedOn = new Map(stored.map((e) => [e.day, e]));
	const newOn = new Map(upcoming.map((e) => [e.date, e]));
	const newLeave = upcoming.filter((e) => e.off && !storedOn.get(e.date)?.off).map((e) => e.date);
	const reshaped = [...new Set([...storedOn.keys(), ...newOn.keys()])].filter((day) => {
		const before = storedOn.get(day);
		const after = newOn.get(day);
		if (after?.off) return false;
		if (!before || !after) return true;
		return before.off || hhmm(before.startTime) !== hhmm(after.start) || hhmm(before.endTime) !== hhmm(after.end);
	});
	return { newLeave, reshaped };
}

/** What the audit row of a closing change says about the appointments it found, when it found any. */
function outcomeAudit(choice: ClosedDayChoice | undefined, outcome: ClosedDayOutcome) {
	const found = outcome.cancelledAppointments.length + outcome.keptAppointments.length;
	return found > 0 ? { appointments: choice, cancelled: outcome.cancelledAppointments.length, kept: outcome.keptAppointments.length } : {};
}

/**
 * A clinic holiday or blackout date (admins); no one can be booked that day. Live appointments
 * already on it need `appointments` to say what becomes of them (`settleClosedDayAppointments`).
 */
export async function addClinicClosure(db: Db, ctx: ClinicContext, input: unknown) {
	if (!can(ctx.actor, 'closure.manage')) throw forbidden();
	const [home] = await db.select().from(clinic).where(eq(clinic.id, ctx.clinicId));
	if (!home) throw notFound();
	// A day already gone is refused: the list shows closures from today on, so it would vanish unseen.
	const data = parseInput(upcomingClosureInput(clinicToday(home.timezone)), input);
	return runCommand(db, null, async (tx) => {
		// Lock order (dayLock.ts): the day first, then the appointments on it.
		await lockDaysForClosing(tx, ctx.clinicId, [data.date]);
		const affected = await liveAppointmentsOn(tx, home, [data.date]);
		const outcome = await settleClosedDayAppointments(tx, ctx, affected, data.appointments, {
			cause: 'clinic_closed',
			reasons: { [data.date]: data.reason }
		});
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
			data: { date: data.date, reason: data.reason, ...outcomeAudit(data.appointments, outcome) }
		});
		// The clinic-wide change rebuilds that day's calendar (its shading, its cancelled bookings) and the waitlist too.
		await hoursChanged(tx, ctx.clinicId);
		return { ...row, ...outcome };
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
