import { and, asc, count, eq, gte, inArray, isNotNull, isNull, lt, ne, sql } from 'drizzle-orm';
import { appUser, appointment, availabilityTemplate, displayKey, membership, outboxEvent, patient, queueToken, room } from '../db/schema';
import type { Db, Tx } from '../db';
import type { ClinicContext } from '../tenancy/context';
import { can as canTenancy } from '../tenancy/policy';
import { can as canQueue } from '../queue/policy';
import { can as canSchedule } from '../scheduling/policy';
import { dayBounds } from '../../time';

type Reader = Db | Tx;

/**
 * What each role's home page shows of its day. One read, through the actor's role: a doctor's
 * own line and next appointments, the desk's arrivals, an admin's numbers, failures and the
 * setup checklist. A section the role may not see is null, never an empty list that looks like
 * "nothing today".
 */
export type HomeToday = {
	day: string;
	/** The doctor's own day (doctors only). */
	doctor: {
		waiting: { tokenId: string; label: string; patientName: string; urgent: boolean; checkedInAt: string }[];
		/** Walk-ins who will see whichever doctor calls them first. */
		sharedWaiting: number;
		withDoctor: { tokenId: string; label: string; patientName: string } | null;
		next: { appointmentId: string; start: string; patientName: string; status: string }[];
	} | null;
	/** The front desk's day (anyone who checks patients in). */
	desk: {
		expected: { appointmentId: string; start: string; patientName: string; doctorName: string; patientId: string }[];
		checkedIn: number;
		waiting: number;
		withDoctor: number;
		seen: number;
	} | null;
	/** Today's numbers and anything failing (admins). */
	admin: {
		appointments: number;
		arrivals: number;
		noShows: number;
		seen: number;
		/** Minutes from check-in to call, over today's called tokens; null before the first call. */
		medianWaitMinutes: number | null;
		longestWaitMinutes: number | null;
		failedNotifications: number;
		checklist: SetupChecklist;
	} | null;
};

/** A new clinic's first steps; each item ticks itself when the clinic has it. */
export type SetupChecklist = { doctors: boolean; hours: boolean; rooms: boolean; display: boolean; patient: boolean };

const label = (t: { prefix: string; number: number }) => `${t.prefix ? `${t.prefix}-` : ''}${String(t.number).padStart(3, '0')}`;

function median(values: number[]): number | null {
	if (values.length === 0) return null;
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : Math.round((sorted[mid - 1] + sorted[mid]) / 2);
}

export async function homeToday(db: Reader, ctx: ClinicContext, clinic: { timezone: string }, day: string, now = new Date()): Promise<HomeToday> {
	const { actor, clinicId } = ctx;
	const isDoctor = actor.role === 'doctor';
	const seesDesk = canQueue(actor, 'queue.checkIn') && canSchedule(actor, 'calendar.view') && actor.role !== 'doctor';
	const seesAdmin = canTenancy(actor, 'clinic.report');
	const { from, to } = dayBounds(day, clinic.timezone);

	const tokens =
		isDoctor || seesDesk || seesAdmin
			? await db
					.select({
						id: queueToken.id,
						prefix: queueToken.prefix,
						number: queueToken.number,
						status: queueToken.status,
						doctorId: queueToken.doctorId,
						urgent: queueToken.urgent,
						checkedInAt: queueToken.checkedInAt,
						calledAt: queueToken.calledAt,
						patientName: patient.name
					})
					.from(queueToken)
					.innerJoin(patient, eq(patient.id, queueToken.patientId))
					.where(and(eq(queueToken.clinicId, clinicId), eq(queueToken.day, day), ne(queueToken.status, 'cancelled')))
					.orderBy(asc(queueToken.checkedInAt))
			: [];

	let doctor: HomeToday['doctor'] = null;
	if (isDoctor) {
		const mine = tokens.filter((t) => t.doctorId === actor.userId);
		const next = await db
			.select({ appointmentId: appointment.id, start: appointment.startsAt, patientName: patient.name, status: appointment.status })
			.from(appointment)
			.innerJoin(patient, eq(patient.id, appointment.patientId))
			.where(
				and(
					eq(appointment.clinicId, clinicId),
					eq(appointment.doctorId, actor.userId),
					gte(appointment.endsAt, now),
					lt(appointment.startsAt, to),
					inArray(appointment.status, ['requested', 'confirmed'])
				)
			)
			.orderBy(asc(appointment.startsAt))
			.limit(8);
		const current = mine.find((t) => t.status === 'with_doctor');
		doctor = {
			waiting: mine
				.filter((t) => t.status === 'waiting')
				.map((t) => ({ tokenId: t.id, label: label(t), patientName: t.patientName, urgent: t.urgent, checkedInAt: t.checkedInAt.toISOString() })),
			sharedWaiting: tokens.filter((t) => t.status === 'waiting' && t.doctorId === null).length,
			withDoctor: current ? { tokenId: current.id, label: label(current), patientName: current.patientName } : null,
			next: next.map((a) => ({ ...a, start: a.start.toISOString() }))
		};
	}

	let desk: HomeToday['desk'] = null;
	if (seesDesk) {
		const doctorUser = appUser;
		const expected = await db
			.select({
				appointmentId: appointment.id,
				start: appointment.startsAt,
				patientName: patient.name,
				patientId: appointment.patientId,
				doctorName: doctorUser.name
			})
			.from(appointment)
			.innerJoin(patient, eq(patient.id, appointment.patientId))
			.innerJoin(doctorUser, eq(doctorUser.id, appointment.doctorId))
			.where(and(eq(appointment.clinicId, clinicId), gte(appointment.startsAt, from), lt(appointment.startsAt, to), eq(appointment.status, 'confirmed')))
			.orderBy(asc(appointment.startsAt))
			.limit(50);
		desk = {
			expected: expected.map((a) => ({ ...a, start: a.start.toISOString() })),
			checkedIn: tokens.length,
			waiting: tokens.filter((t) => t.status === 'waiting').length,
			withDoctor: tokens.filter((t) => t.status === 'with_doctor').length,
			seen: tokens.filter((t) => t.status === 'completed').length
		};
	}

	let admin: HomeToday['admin'] = null;
	if (seesAdmin) {
		const [booked] = await db
			.select({
				appointments: count(),
				noShows: sql<number>`count(*) filter (where ${appointment.status} = 'no_show')`.mapWith(Number)
			})
			.from(appointment)
			.where(
				and(
					eq(appointment.clinicId, clinicId),
					gte(appointment.startsAt, from),
					lt(appointment.startsAt, to),
					inArray(appointment.status, ['requested', 'confirmed', 'checked_in', 'completed', 'no_show'])
				)
			);
		const waits = tokens.filter((t) => t.calledAt).map((t) => Math.max(0, Math.round((t.calledAt!.getTime() - t.checkedInAt.getTime()) / 60_000)));
		const [failed] = await db
			.select({ n: count() })
			.from(outboxEvent)
			.where(and(eq(outboxEvent.clinicId, clinicId), isNotNull(outboxEvent.failedAt)));
		admin = {
			appointments: booked.appointments,
			arrivals: tokens.length,
			noShows: booked.noShows,
			seen: tokens.filter((t) => t.status === 'completed').length,
			medianWaitMinutes: median(waits),
			longestWaitMinutes: waits.length ? Math.max(...waits) : null,
			failedNotifications: failed.n,
			checklist: await setupChecklist(db, clinicId)
		};
	}

	return { day, doctor, desk, admin };
}

/** Each item is a question the database answers, so the list ticks itself as the clinic is set up. */
export async function setupChecklist(db: Reader, clinicId: string): Promise<SetupChecklist> {
	const exists = async (query: Promise<{ n: number }[]>) => ((await query)[0]?.n ?? 0) > 0;
	const [doctors, hours, rooms, display, firstPatient] = await Promise.all([
		exists(
			db
				.select({ n: count() })
				.from(membership)
				.where(and(eq(membership.clinicId, clinicId), eq(membership.role, 'doctor'), eq(membership.status, 'active')))
		),
		exists(db.select({ n: count() }).from(availabilityTemplate).where(eq(availabilityTemplate.clinicId, clinicId))),
		exists(
			db
				.select({ n: count() })
				.from(room)
				.where(and(eq(room.clinicId, clinicId), isNull(room.archivedAt)))
		),
		exists(
			db
				.select({ n: count() })
				.from(displayKey)
				.where(and(eq(displayKey.clinicId, clinicId), isNull(displayKey.revokedAt)))
		),
		exists(
			db
				.select({ n: count() })
				.from(patient)
				.where(and(eq(patient.clinicId, clinicId), isNull(patient.mergedIntoId)))
		)
	]);
	return { doctors, hours, rooms, display, patient: firstPatient };
}
