import { patient, type Role } from '../../src/lib/server/db/schema';
import { appointment } from '../../src/lib/server/db/schema/scheduling';
import type { Db } from '../../src/lib/server/db';
import { clinicToday } from '../../src/lib/time';
import { makeClinic, makeMember, middayTimeZone, rand } from '../factories';

/** Shared setup of the queue integration tests: a clinic with a desk and a doctor, patients and appointments inserted directly. */

export const ctxOf = (clinicId: string, userId: string, role: Role) => ({ clinicId, actor: { userId, role } });
export const key = () => `key-${rand(8)}`;

// One sequence per clinic: every scene makes its own clinic, so numbers never meet another file's or test's,
// and they stay far below the app's own counter (which starts at 1000) should a test also register patients.
const lastRefNo = new Map<string, number>();
export function nextRefNo(clinicId: string): number {
	const next = (lastRefNo.get(clinicId) ?? 0) + 1;
	lastRefNo.set(clinicId, next);
	return next;
}

export async function makePatient(db: Db, clinicId: string, name = `Patient ${rand(3)}`) {
	const [row] = await db
		.insert(patient)
		.values({ clinicId, refNo: nextRefNo(clinicId), name })
		.returning();
	return row;
}

/** A confirmed 15-minute appointment, booked behind the app's back so a test can place it at any instant. */
export async function makeAppointment(db: Db, clinicId: string, patientId: string, doctorId: string, startsAt: Date) {
	const [row] = await db
		.insert(appointment)
		.values({ clinicId, refNo: nextRefNo(clinicId), patientId, doctorId, startsAt, endsAt: new Date(startsAt.getTime() + 15 * 60_000), status: 'confirmed' })
		.returning();
	return row;
}

/** A new clinic with one receptionist and one doctor, their contexts, and the clinic's today; it is about noon there. */
export async function queueScene(db: Db) {
	const home = await makeClinic(db, { timezone: middayTimeZone() });
	const desk = await makeMember(db, home.id, 'reception');
	const doctor = await makeMember(db, home.id, 'doctor');
	return {
		home,
		desk,
		doctor,
		deskCtx: ctxOf(home.id, desk.id, 'reception'),
		doctorCtx: ctxOf(home.id, doctor.id, 'doctor'),
		day: clinicToday(home.timezone)
	};
}
