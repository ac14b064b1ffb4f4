import { and, eq } from 'drizzle-orm';
import type { Db } from '../db';
import { appointment, appUser, dispensing, queueToken, room, waitlistEntry, type Clinic } from '../db/schema';
import { appointmentIcs } from '../scheduling/ics';
import { formatRef } from '../tenancy/counters';
import { m } from '../../paraglide/messages.js';
import type { EmailAttachment } from './email';
import type { Locale, Recipient } from './recipients';
import { formatLocale } from '../../i18n/formatLocale';
import type { OutboxEvent, OutboxEventType, OutboxPayloads } from './events';

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

/** A queue notice older than this describes a line that has long moved on: it is dropped, not sent late. */
export const QUEUE_NOTICE_TTL_MS = 60 * 60_000;
/**
 * Any other notice this old is dropped too: a backlog (events written before delivery existed,
 * or a long mail outage) must not flood patients with news they have long had from the clinic.
 */
export const NOTICE_TTL_MS = 48 * 60 * 60_000;

type Composer<K extends OutboxEventType> = (db: Db, payload: OutboxPayloads[K], r: Recipient, now: Date) => Promise<Notice | null>;

/**
 * What each outbox event tells the patient. Every event type must have an entry, so a new type
 * does not compile until someone decides; `null` is that decision made: the patient is told
 * nothing. `queue.checked_in` is silent on purpose: the patient is standing at the desk.
 */
const composers: { [K in OutboxEventType]: Composer<K> | null } = {
	'appointment.booked': (db, p, r, now) => appointmentNotice(db, p, r, now, 'booked'),
	'appointment.confirm': (db, p, r, now) => appointmentNotice(db, p, r, now, 'confirmed'),
	'appointment.decline': (db, p, r, now) => appointmentNotice(db, p, r, now, 'declined'),
	'appointment.cancel': (db, p, r, now) => appointmentNotice(db, p, r, now, 'cancelled', p.cause),
	'appointment.reschedule': (db, p, r, now) => appointmentNotice(db, p, r, now, 'rescheduled'),
	'appointment.no_show': noShowNotice,
	'waitlist.offered': waitlistNotice,
	'queue.checked_in': null,
	'queue.almost_next': almostNextNotice,
	'queue.called': calledNotice,
	// Goes to a staff member, not a patient: delivered by invitationEmail.ts.
	'member.invited': null,
	// Goes to the referring doctor: delivered by referralEmail.ts.
	'referral.reminder': null,
	'prescription.ready': readyNotice,
	// Goes to the pharmacy's staff: delivered by stockDigestEmail.ts.
	'stock.digest': null
};

/** The notice for one event, or null when it tells the patient nothing (any more). */
export async function composeNotice<K extends OutboxEventType>(
	db: Db,
	event: OutboxEvent<K>,
	createdAt: Date,
	r: Recipient,
	now = new Date()
): Promise<Notice | null> {
	const compose: Composer<K> | null = composers[event.type];
	if (!compose) return null;
	const age = now.getTime() - createdAt.getTime();
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

type AppointmentChange = 'booked' | 'confirmed' | 'declined' | 'cancelled' | 'rescheduled';

async function appointmentNotice(
	db: Db,
	payload: { appointmentId: string; from?: string },
	r: Recipient,
	now: Date,
	change: AppointmentChange,
	cause?: OutboxPayloads['appointment.cancel']['cause']
): Promise<Notice | null> {
	const row = await appointmentWithDoctor(db, r.clinic.id, payload.appointmentId);
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
			m.notify_rescheduled_body({ ...params, from: payload.from ? formatWhen(new Date(payload.from), r.locale, r.clinic) : params.when }, locale)
		]
	};
	const [subject, body] = texts[change];
	// A cancellation by the clinic for a closed day says why, and how to get another time.
	const why =
		cause === 'clinic_closed'
			? m.notify_cancelled_clinic_closed(params, locale)
			: cause === 'doctor_leave'
				? m.notify_cancelled_doctor_away(params, locale)
				: cause === 'doctor_hours'
					? m.notify_cancelled_doctor_hours(params, locale)
					: null;
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
		lines: [body, ...(why ? [why] : []), m.notify_reference({ ref }, locale)],
		attachments: [{ filename: `${ref}.ics`, content: ics, contentType: 'text/calendar; charset=utf-8' }],
		urgent: false,
		tag: `appointment-${a.id}`
	};
}

async function appointmentWithDoctor(db: Db, clinicId: string, appointmentId: string) {
	const [row] = await db
		.select({ appointment, doctorName: appUser.name })
		.from(appointment)
		.innerJoin(appUser, eq(appUser.id, appointment.doctorId))
		.where(and(eq(appointment.clinicId, clinicId), eq(appointment.id, appointmentId)));
	return row;
}

/**
 * A patient marked as not having come: no blame, and the way back to a new time (the email ends
 * with the link to their appointments; a tap on the push opens them).
 */
async function noShowNotice(db: Db, payload: OutboxPayloads['appointment.no_show'], r: Recipient): Promise<Notice | null> {
	const row = await appointmentWithDoctor(db, r.clinic.id, payload.appointmentId);
	// Gone, or no longer a no-show: the message would be wrong.
	if (!row || row.appointment.status !== 'no_show') return null;
	const a = row.appointment;
	const locale = { locale: r.locale };
	const params = { doctor: row.doctorName, clinic: r.clinic.name, when: formatWhen(a.startsAt, r.locale, r.clinic) };
	return {
		subject: m.notify_no_show_subject(params, locale),
		lines: [
			m.notify_no_show_body(params, locale),
			m.notify_no_show_rebook(params, locale),
			m.notify_reference({ ref: formatRef(r.clinic.code, 'A', a.refNo) }, locale)
		],
		attachments: [],
		urgent: false,
		tag: `appointment-${a.id}`
	};
}

async function waitlistNotice(db: Db, payload: OutboxPayloads['waitlist.offered'], r: Recipient, now: Date): Promise<Notice | null> {
	const start = new Date(payload.start);
	const [entry] = await db
		.select({ status: waitlistEntry.status, offeredStart: waitlistEntry.offeredStart })
		.from(waitlistEntry)
		.where(eq(waitlistEntry.id, payload.waitlistEntryId));
	// Taken up, declined or passed on before we got to it, or the time itself has gone: nothing to offer.
	if (!entry || entry.status !== 'offered' || entry.offeredStart?.getTime() !== start.getTime() || start <= now) return null;
	const doctor = await doctorName(db, payload.doctorId);
	const params = { doctor, clinic: r.clinic.name, when: formatWhen(start, r.locale, r.clinic) };
	const locale = { locale: r.locale };
	return {
		subject: m.notify_waitlist_subject(params, locale),
		lines: [m.notify_waitlist_body(params, locale)],
		attachments: [],
		urgent: true,
		tag: `waitlist-${payload.waitlistEntryId}`
	};
}

async function almostNextNotice(db: Db, payload: OutboxPayloads['queue.almost_next'], r: Recipient): Promise<Notice | null> {
	const [token] = await db.select({ status: queueToken.status }).from(queueToken).where(eq(queueToken.id, payload.tokenId));
	// Already called (or gone home): "nearly your turn" would now be wrong.
	if (!token || token.status !== 'waiting') return null;
	const locale = { locale: r.locale };
	return {
		subject: m.notify_almost_next_subject({ token: payload.token }, locale),
		lines: [m.notify_almost_next_body({ clinic: r.clinic.name, ahead: String(payload.ahead) }, locale)],
		attachments: [],
		urgent: true,
		tag: `queue-${payload.tokenId}`
	};
}

async function calledNotice(db: Db, payload: OutboxPayloads['queue.called'], r: Recipient): Promise<Notice | null> {
	const [token] = await db
		.select({ roomName: room.name })
		.from(queueToken)
		.leftJoin(room, eq(room.id, queueToken.roomId))
		.where(eq(queueToken.id, payload.tokenId));
	if (!token) return null;
	const doctor = await doctorName(db, payload.doctorId);
	const locale = { locale: r.locale };
	const body = token.roomName
		? m.notify_called_body_room({ room: token.roomName, clinic: r.clinic.name, doctor }, locale)
		: m.notify_called_body({ clinic: r.clinic.name, doctor }, locale);
	return {
		subject: m.notify_called_subject({ token: payload.token }, locale),
		lines: [body],
		attachments: [],
		urgent: true,
		tag: `queue-${payload.tokenId}`
	};
}

async function readyNotice(db: Db, payload: OutboxPayloads['prescription.ready'], r: Recipient): Promise<Notice | null> {
	const [state] = await db.select({ status: dispensing.status }).from(dispensing).where(eq(dispensing.prescriptionId, payload.prescriptionId));
	// Collected (or taken back to work) before the notice went out: nothing to tell.
	if (state?.status !== 'ready') return null;
	const locale = { locale: r.locale };
	return {
		subject: m.notify_ready_subject({ clinic: r.clinic.name }, locale),
		lines: [m.notify_ready_body({ clinic: r.clinic.name }, locale)],
		attachments: [],
		urgent: false,
		tag: `prescription-${payload.prescriptionId}`
	};
}

async function doctorName(db: Db, userId: string): Promise<string> {
	const [row] = await db.select({ name: appUser.name }).from(appUser).where(eq(appUser.id, userId));
	return row?.name ?? '';
}
