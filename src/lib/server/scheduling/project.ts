import { eq } from 'drizzle-orm';
import { clinic } from '../db/schema';
import type { Db, Tx } from '../db';
import { documentsChanged } from '../sync/changes';
import { documentName, type DocumentRef } from '../../sync/protocol';
import type { ProjectionContent } from '../sync/projection';
import type { CalendarContent } from '../../sync/contracts/calendar';
import type { WaitlistContent } from '../../sync/contracts/waitlist';
import { formatRef } from '../tenancy/counters';
import { clinicToday, dayBounds } from '../../time';
import { appointmentRows, doctorShifts } from './queries';
import { clinicDoctors } from '../tenancy/doctors';
import { daySlots } from './slots';
import { waitlistRows } from './waitlist';

/** A doctor's working time on a clinic-day as instants: their slots joined end to end (breaks stay gaps). */
async function workingHours(db: Db, clinicId: string, timeZone: string, doctorId: string, day: string) {
	const spans: { start: Date; end: Date }[] = [];
	for (const slot of daySlots(day, timeZone, await doctorShifts(db, clinicId, doctorId, day))) {
		const last = spans.at(-1);
		if (last && last.end.getTime() >= slot.start.getTime()) last.end = new Date(Math.max(last.end.getTime(), slot.end.getTime()));
		else spans.push({ ...slot });
	}
	return spans.map((s) => ({ doctorId, start: s.start.toISOString(), end: s.end.toISOString() }));
}

/**
 * `clinic/{id}/day/{date}/calendar`: every appointment of the clinic-day, per doctor, with the
 * patient's name and reference (staff only read it) and its type (name and colour) if it has one,
 * and each doctor's working hours that day (the grid shades the rest). Rebuilt whole from Postgres.
 */
export async function projectClinicCalendar(db: Db, ref: DocumentRef): Promise<ProjectionContent> {
	if (ref.type !== 'calendar') throw new Error(`calendar projection asked for ${ref.type}`);
	const [home] = await db.select({ code: clinic.code, timezone: clinic.timezone }).from(clinic).where(eq(clinic.id, ref.clinicId));
	if (!home) return { day: ref.day, doctors: [], appointments: [], hours: [] } satisfies CalendarContent;
	const { from, to } = dayBounds(ref.day, home.timezone);
	const [doctors, rows] = await Promise.all([clinicDoctors(db, ref.clinicId), appointmentRows(db, ref.clinicId, from, to)]);
	const hours = (await Promise.all(doctors.map((d) => workingHours(db, ref.clinicId, home.timezone, d.id, ref.day)))).flat();
	return {
		day: ref.day,
		timezone: home.timezone,
		doctors: doctors.map((d) => ({ id: d.id, name: d.name })),
		hours,
		appointments: rows.map((a) => ({
			id: a.id,
			ref: formatRef(home.code, 'A', a.refNo),
			patientId: a.patientId,
			patientName: a.patientName,
			patientRef: formatRef(home.code, 'P', a.patientRefNo),
			doctorId: a.doctorId,
			start: a.startsAt.toISOString(),
			end: a.endsAt.toISOString(),
			status: a.status,
			reason: a.reason,
			type: a.type
		}))
	} satisfies CalendarContent;
}

/**
 * `clinic/{id}/waitlist`: the patients waiting for an earlier slot and the offers open for them,
 * so the desk sees an offer the moment a cancellation creates it.
 */
export async function projectClinicWaitlist(db: Db, ref: DocumentRef): Promise<ProjectionContent> {
	if (ref.type !== 'waitlist') throw new Error(`waitlist projection asked for ${ref.type}`);
	const rows = await waitlistRows(db, ref.clinicId);
	return {
		entries: rows.flatMap((e) => {
			// waitlistRows reads only open entries; the check narrows the status to the contract's.
			if (e.status !== 'waiting' && e.status !== 'offered') return [];
			return [
				{
					id: e.id,
					patientId: e.patientId,
					patientName: e.patientName,
					doctorId: e.doctorId,
					status: e.status,
					offeredStart: e.offeredStart?.toISOString() ?? null,
					currentStart: e.currentStart?.toISOString() ?? null,
					note: e.note,
					createdAt: e.createdAt.toISOString()
				}
			];
		})
	} satisfies WaitlistContent;
}

/**
 * Inside a scheduling command: the calendars of the clinic-days it touched, and the clinic's
 * waitlist, which any freed slot may have turned into an offer (published after commit).
 */
export async function calendarChanged(tx: Tx, clinicId: string, timeZone: string, instants: (Date | string)[]): Promise<void> {
	const days = new Set(instants.map((i) => clinicToday(timeZone, new Date(i))));
	await documentsChanged(tx, [...[...days].map((day) => documentName.calendar(clinicId, day)), documentName.waitlist(clinicId)]);
}
