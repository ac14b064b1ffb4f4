import { createEvent, type EventAttributes } from 'ics';
import type { Clinic } from '../db/schema';
import type { Appointment } from '../db/schema/scheduling';
import { formatRef } from '../tenancy/counters';

export type IcsAppointment = {
	id: string;
	ref: string;
	start: Date;
	end: Date;
	doctorName: string;
	clinicName: string;
	clinicAddress: string;
	status: string;
};

/** An iCalendar file for one appointment; times in UTC so every calendar app places it right. */
export function appointmentIcs(a: IcsAppointment): string {
	const utc = (d: Date): [number, number, number, number, number] => [
		d.getUTCFullYear(),
		d.getUTCMonth() + 1,
		d.getUTCDate(),
		d.getUTCHours(),
		d.getUTCMinutes()
	];
	const event: EventAttributes = {
		uid: `${a.id}@tabeeb`,
		start: utc(a.start),
		startInputType: 'utc',
		startOutputType: 'utc',
		end: utc(a.end),
		endInputType: 'utc',
		endOutputType: 'utc',
		title: `${a.clinicName}: ${a.doctorName}`,
		description: `Appointment ${a.ref}`,
		location: a.clinicAddress,
		status: a.status === 'cancelled' || a.status === 'declined' ? 'CANCELLED' : a.status === 'requested' ? 'TENTATIVE' : 'CONFIRMED',
		productId: 'tabeeb/ics',
		calName: a.clinicName
	};
	const { error, value } = createEvent(event);
	if (error || !value) throw error ?? new Error('could not build the calendar file');
	return value;
}

/** The download of one appointment's calendar file, for the desk's API and the patient's own app alike. */
export function appointmentIcsResponse(
	home: Pick<Clinic, 'code' | 'name' | 'city' | 'state'>,
	row: Pick<Appointment, 'id' | 'refNo' | 'startsAt' | 'endsAt' | 'status'>,
	doctorName: string
): Response {
	const ref = formatRef(home.code, 'A', row.refNo);
	const body = appointmentIcs({
		id: row.id,
		ref,
		start: row.startsAt,
		end: row.endsAt,
		doctorName,
		clinicName: home.name,
		clinicAddress: [home.city, home.state].filter(Boolean).join(', '),
		status: row.status
	});
	return new Response(body, {
		headers: { 'content-type': 'text/calendar; charset=utf-8', 'content-disposition': `attachment; filename="${ref}.ics"`, 'cache-control': 'no-store' }
	});
}
