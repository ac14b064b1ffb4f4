import { startApp, type App } from '../integration/http';
import { makeClinic, makeMember, makeSession, rand } from '../factories';
import { registerPatient } from '../../src/lib/server/patients/registerPatient';
import { setAvailability } from '../../src/lib/server/scheduling/setAvailability';
import { clinicToday } from '../../src/lib/time';
import type { ClinicContext } from '../../src/lib/server/tenancy/context';

export const TZ = 'Asia/Karachi';

/** A clinic-local date `days` ahead of today. */
export const dayAhead = (days: number) => clinicToday(TZ, new Date(Date.now() + days * 86_400_000));

/** 09:00–17:00 every day in 15-minute slots: 32 a day per doctor. */
export const SLOTS_PER_DAY = 32;
export const slotStart = (day: string, index: number) => {
	const minutes = 9 * 60 + index * 15;
	return `${day}T${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:00+05:00`;
};

export type BookingWorld = {
	app: App;
	clinicCode: string;
	clinicId: string;
	doctorIds: string[];
	patientIds: string[];
	/** Session tokens: the desk (for HTTP, as the `session` cookie) and a second staff member (for sync). */
	deskToken: string;
	watcherToken: string;
};

/**
 * The built app (as `npm start` runs it) on a fresh PGlite directory, or a fresh PostgreSQL
 * database when `postgres` is given, seeded with doctors who work every day and patients.
 */
export async function startBookingWorld(options: { postgres: string; doctors: number; patients: number }): Promise<BookingWorld> {
	// Filled by the seed callback; a holder object, since TypeScript does not follow assignments in callbacks.
	const world: { seeded?: Omit<BookingWorld, 'app'> } = {};
	const app = await startApp({
		postgres: options.postgres,
		env: { LOG_LEVEL: 'error' },
		seed: async (db) => {
			const clinic = await makeClinic(db, { timezone: TZ, autoConfirmStaffBookings: true });
			const desk = await makeMember(db, clinic.id, 'reception');
			const watcher = await makeMember(db, clinic.id, 'reception');
			const ctx: ClinicContext = { clinicId: clinic.id, actor: { userId: desk.id, role: 'reception' } };
			const weekly = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '09:00', end: '17:00', slotMinutes: 15 }));
			const doctorIds: string[] = [];
			for (let i = 0; i < options.doctors; i++) {
				const doctor = await makeMember(db, clinic.id, 'doctor');
				await setAvailability(db, ctx, doctor.id, { weekly });
				doctorIds.push(doctor.id);
			}
			const patientIds: string[] = [];
			for (let i = 0; i < options.patients; i++) {
				const result = await registerPatient(db, ctx, { name: `Bench Patient ${rand(3)}` }, { allowDuplicate: true });
				if (result.status === 'created') patientIds.push(result.patient.id);
			}
			world.seeded = {
				clinicCode: clinic.code,
				clinicId: clinic.id,
				doctorIds,
				patientIds,
				deskToken: await makeSession(db, desk.id),
				watcherToken: await makeSession(db, watcher.id)
			};
		}
	});
	if (!world.seeded) throw new Error('the booking world was not seeded');
	return { ...world.seeded, app };
}

export type BookingResult = { status: number; ms: number; body: string };

/** One booking over HTTP, with the desk's session cookie. */
export async function book(world: BookingWorld, body: { patientId: string; doctorId: string; start: string }): Promise<BookingResult> {
	const started = performance.now();
	const response = await fetch(`${world.app.url}/api/v1/clinics/${world.clinicCode}/appointments`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', cookie: `session=${world.deskToken}`, origin: world.app.url },
		body: JSON.stringify({ ...body, idempotencyKey: `bench-${rand(8)}` })
	});
	const text = await response.text();
	return { status: response.status, ms: performance.now() - started, body: text };
}
