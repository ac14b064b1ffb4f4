import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db';
import { appointment, appUser, queueToken, room, waitlistEntry, type Clinic } from '../db/schema';
import { appointmentIcs } from '../scheduling/ics';
import { formatRef } from '../tenancy/counters';
import { m } from '../../paraglide/messages.js';
import type { EmailAttachment } from './email';
import type { Locale, Recipient } from './recipients';
import { formatLocale } from '../../i18n/formatLocale';

/** One message for one patient, already in their language; email and push are cut from it. */
export type Notice = {
	subject: string;
	/** The sentence that says what happened (the whole push text), then any details. */
	lines: string[];
	attachments: EmailAttachment[];
	/** Queue notices matter now or never: pushed with high urgency and a short time to live. */
	urgent: boolean;
	/** A later notice with the same tag replaces the earlier one on the phone. */
	tag: string;
};

export type OutboxEventLike = { type: string; payload: Record<string, unknown>; createdAt: Date };

/** A queue notice older than this describes a line that has long moved on: it is dropped, not sent late. */
export const QUEUE_NOTICE_TTL_MS = 60 * 60_000;
/**
 * Any other notice this old is dropped too: a backlog (events written before delivery existed,
 * or a long mail outage) must not flood patients with news they have long had from the clinic.
 */
export const NOTICE_TTL_MS = 48 * 60 * 60_000;

type Compose = (db: Db, payload: Record<string, unknown>, r: Recipient, now: Date) => Promise<Notice | null>;

/**
 * Which events tell the patient something, and what. `queue.checked_in` is left out on purpose:
 * the patient is standing at the desk when it happens. Unknown types notify nobody.
 */
const composers: Record<string, Compose> = {
	'appointment.booked': (db, p, r, now) => appointmentNotice(db, p, r, now, 'booked'),
	'appointment.confirm': (db, p, r, now) => appointmentNotice(db, p, r, now, 'confirmed'),
	'appointment.decline': (db, p, r, now) => appointmentNotice(db, p, r, now, 'declined'),
	'appointment.cancel': (db, p, r, now) => appointmentNotice(db, p, r, now, 'cancelled'),
	'appointment.reschedule': (db, p, r, now) => appointmentNotice(db, p, r, now, 'rescheduled'),
	'waitlist.offered': waitlistNotice,
	'queue.almost_next': almostNextNotice,
	'queue.called': calledNotice
};

export const NOTIFYING_EVENT_TYPES = Object.keys(composers);

export async function composeNotice(db: Db, event: OutboxEventLike, r: Recipient, now = new Date()): Promise<Notice | null> {
	const compose = composers[event.type];
	if (!compose) return null;
	const age = now.getTime() - event.createdAt.getTime();
	if (age > (event.type.startsWith('queue.') ? QUEUE_NOTICE_TTL_MS : NOTICE_TTL_MS)) return null;
	return compose(db, event.payload, r, now);
}

/** A time as the patient reads it: the clinic's own time zone, in their language. */
export function formatWhen(at: Date, locale: Locale, home: Clinic): string {
	return new Intl.DateTimeFormat(formatLocale(locale), {
		timeZone: home.timezone,
		weekday: 'long',
		day: 'numeric',
		month: 'long',
		year: 'numeric',
		hour: 'numeric',
		minute: '2-digit'
	}).format(at);
}

const appointmentPayload = z.object({ appointmentId: z.uuid(), start: z.iso.datetime({ offset: true }).optional(), from: z.iso.datetime({ offset: true }).optional() });

type AppointmentChange = 'booked' | 'confirmed' | 'declined' | 'cancelled' | 'rescheduled';

async function appointmentNotice(db: Db, payload: Record<string, unknown>, r: Recipient, now: Date, change: AppointmentChange): Promise<Notice | null> {
	const parsed = appointmentPayload.safeParse(payload);
	if (!parsed.success) return null;
	const [row] = await db
		.select({ appointment, doctorName: appUser.name })
		.from(appointment)
		.innerJoin(appUser, eq(appUser.id, appointment.doctorId))
		.where(and(eq(appointment.clinicId, r.clinic.id), eq(appointment.id, parsed.data.appointmentId)));
	// Gone, or already begun: news about it would only confuse.
	if (!row || row.appointment.startsAt <= now) return null;
	const a = row.appointment;
	const locale = { locale: r.locale };
	const params = { doctor: row.doctorName, clinic: r.clinic.name, when: formatWhen(a.startsAt, r.locale, r.clinic) };
	const ref = formatRef(r.clinic.code, 'A', a.refNo);
	const requested = change === 'booked' && a.status === 'requested';
	const texts: Record<AppointmentChange, [string, string]> = {
		booked: requested
			? [m.notify_requested_subject(params, locale), m.notify_requested_body(params, locale)]
			: [m.notify_booked_subject(params, locale), m.notify_booked_body(params, locale)],
		confirmed: [m.notify_confirmed_subject(params, locale), m.notify_confirmed_body(params, locale)],
		declined: [m.notify_declined_subject(params, locale), m.notify_declined_body(params, locale)],
		cancelled: [m.notify_cancelled_subject(params, locale), m.notify_cancelled_body(params, locale)],
		rescheduled: [
			m.notify_rescheduled_subject(params, locale),
			m.notify_rescheduled_body({ ...params, from: parsed.data.from ? formatWhen(new Date(parsed.data.from), r.locale, r.clinic) : params.when }, locale)
		]
	};
	const [subject, body] = texts[change];
	// The calendar file says what the change means for the patient's calendar: gone when cancelled or declined.
	const icsStatus = change === 'cancelled' || change === 'declined' ? 'cancelled' : a.status;
	const ics = appointmentIcs({
		id: a.id,
		ref,
		start: a.startsAt,
		end: a.endsAt,
		doctorName: row.doctorName,
		clinicName: r.clinic.name,
		clinicAddress: [r.clinic.city, r.clinic.state].filter(Boolean).join(', '),
		status: icsStatus
	});
	return {
		subject,
		lines: [body, m.notify_reference({ ref }, locale)],
		attachments: [{ filename: `${ref}.ics`, content: ics, contentType: 'text/calendar; charset=utf-8' }],
		urgent: false,
		tag: `appointment-${a.id}`
	};
}

const waitlistPayload = z.object({ waitlistEntryId: z.uuid(), doctorId: z.uuid(), start: z.iso.datetime({ offset: true }) });

async function waitlistNotice(db: Db, payload: Record<string, unknown>, r: Recipient, now: Date): Promise<Notice | null> {
	const parsed = waitlistPayload.safeParse(payload);
	if (!parsed.success) return null;
	const start = new Date(parsed.data.start);
	const [entry] = await db.select({ status: waitlistEntry.status, offeredStart: waitlistEntry.offeredStart }).from(waitlistEntry).where(eq(waitlistEntry.id, parsed.data.waitlistEntryId));
	// Taken up, declined or passed on before we got to it, or the time itself has gone: nothing to offer.
	if (!entry || entry.status !== 'offered' || entry.offeredStart?.getTime() !== start.getTime() || start <= now) return null;
	const doctor = await doctorName(db, parsed.data.doctorId);
	const params = { doctor, clinic: r.clinic.name, when: formatWhen(start, r.locale, r.clinic) };
	const locale = { locale: r.locale };
	return {
		subject: m.notify_waitlist_subject(params, locale),
		lines: [m.notify_waitlist_body(params, locale)],
		attachments: [],
		urgent: true,
		tag: `waitlist-${parsed.data.waitlistEntryId}`
	};
}

const queuePayload = z.object({ tokenId: z.uuid(), token: z.string(), doctorId: z.uuid().nullable().optional(), ahead: z.number().int().min(0).optional() });

async function almostNextNotice(db: Db, payload: Record<string, unknown>, r: Recipient): Promise<Notice | null> {
	const parsed = queuePayload.safeParse(payload);
	if (!parsed.success) return null;
	const [token] = await db.select({ status: queueToken.status }).from(queueToken).where(eq(queueToken.id, parsed.data.tokenId));
	// Already called (or gone home): "nearly your turn" would now be wrong.
	if (!token || token.status !== 'waiting') return null;
	const locale = { locale: r.locale };
	return {
		subject: m.notify_almost_next_subject({ token: parsed.data.token }, locale),
		lines: [m.notify_almost_next_body({ clinic: r.clinic.name, ahead: String(parsed.data.ahead ?? 0) }, locale)],
		attachments: [],
		urgent: true,
		tag: `queue-${parsed.data.tokenId}`
	};
}

async function calledNotice(db: Db, payload: Record<string, unknown>, r: Recipient): Promise<Notice | null> {
	const parsed = queuePayload.safeParse(payload);
	if (!parsed.success) return null;
	const [token] = await db
		.select({ roomName: room.name })
		.from(queueToken)
		.leftJoin(room, eq(room.id, queueToken.roomId))
		.where(eq(queueToken.id, parsed.data.tokenId));
	if (!token) return null;
	const doctor = parsed.data.doctorId ? await doctorName(db, parsed.data.doctorId) : '';
	const locale = { locale: r.locale };
	const body = token.roomName
		? m.notify_called_body_room({ room: token.roomName, clinic: r.clinic.name, doctor }, locale)
		: m.notify_called_body({ clinic: r.clinic.name, doctor }, locale);
	return {
		subject: m.notify_called_subject({ token: parsed.data.token }, locale),
		lines: [body],
		attachments: [],
		urgent: true,
		tag: `queue-${parsed.data.tokenId}`
	};
}

async function doctorName(db: Db, userId: string): Promise<string> {
	const [row] = await db.select({ name: appUser.name }).from(appUser).where(eq(appUser.id, userId));
	return row?.name ?? '';
}
