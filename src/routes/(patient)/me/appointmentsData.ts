import { readContent, type ContentReading } from '$lib/sync/contracts/reading';
import { patientAppointmentsContract, type PatientAppointmentEntry, type PatientAppointmentsContent } from '$lib/sync/contracts/patientAppointments';

/** One record's appointment list as the phone reads it: `mismatch` when the server speaks a newer shape. */
export const readPatientAppointments = (content: Record<string, unknown>): ContentReading<PatientAppointmentsContent> =>
	readContent(patientAppointmentsContract, content);

/** An appointment with the clinic it belongs to, for the one list of every linked clinic. */
export type ShownAppointment = PatientAppointmentEntry & { clinicName: string; clinicCode: string; timeZone: string };

/** Every clinic's list as one, soonest first. */
export function mergeAppointmentLists(lists: PatientAppointmentsContent[]): ShownAppointment[] {
	return lists
		.flatMap((list) => {
			const home = list.clinic;
			if (!home) return [];
			return list.appointments.map((a) => ({ ...a, clinicName: home.name, clinicCode: home.code, timeZone: home.timezone }));
		})
		.sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
}

/** The patient may cancel a request or a confirmed appointment that has not begun (the server decides again). */
export const isCancellable = (a: PatientAppointmentEntry, now: number) => (a.status === 'requested' || a.status === 'confirmed') && Date.parse(a.start) > now;
