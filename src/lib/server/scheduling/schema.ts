import { z } from 'zod';
import { hexColor, requiredText, text } from '../tenancy/schema';
import { idempotencyKeyInput } from '../command';
import { isoDay, isoInstant, numberField, uuid } from '../text';
import { problem, withFieldCode } from '../fieldCodes';

const hhmm = withFieldCode(z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time like 09:30'), 'time_invalid');
const range = z.object({ start: hhmm, end: hhmm }).refine((r) => r.start < r.end, { ...problem('time_order', 'must end after it starts'), path: ['end'] });

export const slotMinutes = z.union([z.literal(10), z.literal(15), z.literal(20), z.literal(30)]);

export const weeklyShift = z
	.object({
		weekday: z.number().int().min(1).max(7),
		start: hhmm,
		end: hhmm,
		slotMinutes,
		breaks: z.array(range).max(6).default([])
	})
	.refine((s) => s.start < s.end, { ...problem('time_order', 'must end after it starts'), path: ['end'] })
	.refine((s) => s.breaks.every((b) => b.start >= s.start && b.end <= s.end), {
		...problem('break_outside_hours', 'breaks must fall inside working hours'),
		path: ['breaks']
	});

export const availabilityException = z
	.object({
		date: isoDay(),
		start: hhmm.optional(),
		end: hhmm.optional(),
		slotMinutes: slotMinutes.optional(),
		off: z.boolean().default(false),
		reason: text(200).default('')
	})
	.refine((e) => e.off || (e.start && e.end && e.start < e.end), { ...problem('hours_or_day_off', 'give hours, or mark the day off'), path: ['start'] });

/**
 * What to do with the live appointments on days a change closes (a closure, a doctor's leave).
 * Needed only when there are some: without it such a change is refused (409 `day_has_appointments`).
 */
export const closedDayChoice = z.enum(['cancel_and_notify', 'keep']).meta({
	description:
		'What to do with the live appointments on the days this closes, or outside the hours it gives a date, when there are any: `cancel_and_notify` cancels them (reason: the clinic closed, the doctor is on leave, or the doctor no longer works then) and tells each patient, except checked-in ones (the patient is here), which are kept; `keep` leaves them all for the desk to move on the calendar. Without it, such a request is refused with 409 `day_has_appointments` listing them in `error.appointments`.'
});
export type ClosedDayChoice = z.infer<typeof closedDayChoice>;

/** Each shift that overlaps an earlier one of its weekday, and each exception whose date came before, is named by its own index. */
export const availabilityInput = z
	.object({
		weekly: z.array(weeklyShift).max(50),
		exceptions: z.array(availabilityException).max(400).default([]),
		appointments: closedDayChoice.optional()
	})
	.superRefine((a, ctx) => {
		for (const index of overlapping(a.weekly)) {
			ctx.addIssue({ code: 'custom', ...problem('shifts_overlap', 'shifts of one weekday overlap'), path: ['weekly', index, 'start'] });
		}
		a.exceptions.forEach((e, index) => {
			if (a.exceptions.findIndex((other) => other.date === e.date) < index) {
				ctx.addIssue({ code: 'custom', ...problem('exception_date_taken', 'one exception per date'), path: ['exceptions', index, 'date'] });
			}
		});
	});
export type AvailabilityInput = z.infer<typeof availabilityInput>;

/** The indexes of shifts that start before another shift of the same weekday has ended. */
function overlapping(shifts: { weekday: number; start: string; end: string }[]): number[] {
	return shifts.flatMap((s, i) =>
		shifts.some((o, j) => j !== i && o.weekday === s.weekday && o.start <= s.start && s.start < o.end && (o.start < s.start || j < i)) ? [i] : []
	);
}

export const closureInput = z.object({ date: isoDay(), reason: text(200).default(''), appointments: closedDayChoice.optional() });

/** A closure as `addClinicClosure` accepts it: from the clinic's today on (an earlier one would be stored and never shown). */
export const upcomingClosureInput = (today: string) =>
	closureInput.extend({ date: isoDay().refine((d) => d >= today, problem('closure_in_past', 'a closure before today')) });

/** The free slots of a doctor's day; with `typeId`, slots of that appointment type's length. */
export const slotsQuery = z.object({ doctor: uuid(), date: isoDay(), typeId: uuid().optional() });

/** An instant with an explicit offset or Z, as the API promises. */
export const instant = isoInstant();

export const bookInput = z.object({
	patientId: uuid(),
	doctorId: uuid(),
	start: instant,
	/** An appointment type of the clinic: its length replaces the doctor's slot length. */
	typeId: uuid().nullable().optional(),
	reason: text(500).default(''),
	idempotencyKey: idempotencyKeyInput.optional()
});
export type BookInput = z.infer<typeof bookInput>;

/** Every `everyDays` days, `count` appointments in all (the first included). */
export const repeatInput = z.object({
	everyDays: numberField(z.number().int().min(1).max(28)),
	count: numberField(z.number().int().min(2).max(26))
});

/**
 * A booking as the desk and the API send it: one appointment, or with `repeat` a series of them.
 * A series with a clashing date books nothing unless `skipClashes` says to book the others.
 */
export const bookRequestInput = bookInput.extend({
	repeat: repeatInput.optional(),
	skipClashes: z.boolean().default(false)
});
export type BookRequest = z.infer<typeof bookRequestInput>;

/** An appointment type's length: 5 to 480 minutes in steps of 5, one sentence for every way of getting it wrong. */
const typeMinutes = withFieldCode(numberField(z.number().int().min(5).max(480).multipleOf(5)), 'type_minutes_invalid');
const typeName = requiredText(60);

export const appointmentTypeInput = z.object({ name: typeName, minutes: typeMinutes, color: hexColor });

/** Rename, change length or colour, archive (`archived: true`) or bring back (`false`) an appointment type. */
export const appointmentTypeUpdateInput = z
	.object({ name: typeName.optional(), minutes: typeMinutes.optional(), color: hexColor.optional(), archived: z.boolean().optional() })
	.refine((v) => v.name !== undefined || v.minutes !== undefined || v.color !== undefined || v.archived !== undefined, {
		message: 'nothing to change',
		path: ['name']
	});

export const rescheduleInput = z.object({
	start: instant,
	doctorId: uuid().optional(),
	idempotencyKey: idempotencyKeyInput.optional()
});

/** The body of an appointment change that takes nothing but its key (confirm, decline, no-show). */
export const appointmentChangeInput = z.object({ idempotencyKey: idempotencyKeyInput.optional() });

export const cancelInput = z.object({ reason: text(500).pipe(z.string().min(1)), idempotencyKey: idempotencyKeyInput.optional() });

export const followUpInput = z.object({
	weeks: numberField(z.number().int().min(1).max(52)),
	idempotencyKey: idempotencyKeyInput.optional()
});

/** The desk accepts a waitlist offer for the patient; the key makes a retried accept book once. */
export const waitlistAcceptInput = z.object({ idempotencyKey: idempotencyKeyInput.optional() });

export const waitlistInput = z.object({
	patientId: uuid(),
	doctorId: uuid(),
	currentAppointmentId: uuid().optional(),
	note: text(300).default('')
});
