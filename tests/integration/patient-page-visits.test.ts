import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../db';
import { makeClinic, makeMember, middayTimeZone, rand } from '../factories';
import type { Db } from '../../src/lib/server/db';
import type { Role } from '../../src/lib/server/db/schema';
import { createSession, generateSessionToken, validateSessionToken } from '../../src/lib/server/auth/session';
import { setAvailability } from '../../src/lib/server/scheduling/setAvailability';
import { freeSlots, patientAppointmentHistory } from '../../src/lib/server/scheduling/queries';
import { bookAppointment } from '../../src/lib/server/scheduling/bookAppointment';
import { cancelAppointment } from '../../src/lib/server/scheduling/changeAppointment';
import { checkInPatient } from '../../src/lib/server/queue/checkIn';
import { callNext } from '../../src/lib/server/queue/callNext';
import { patientQueueHistory } from '../../src/lib/server/queue/queries';
import { addDays, clinicToday } from '../../src/lib/time';
import type { ClinicContext } from '../../src/lib/server/tenancy/context';
import { actions, load } from '../../src/routes/(staff)/[clinic]/patients/[id]/+page.server';
import { load as calendarLoad } from '../../src/routes/(staff)/[clinic]/calendar/+page.server';
import { makePatient } from './queueScene';

/**
 * The staff patient page's visits: the record's appointments and tokens, read through each
 * domain's policy in the clinic of the URL only, and its check-in, which is the queue's own command.
 */
let db: Db;
let clinic: Awaited<ReturnType<typeof makeClinic>>;
let desk: ClinicContext;
let doctor: { id: string; name: string };
const everyDay = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '23:45', slotMinutes: 15, breaks: [] }));

beforeAll(async () => {
	db = (await testDatabase()).db;
	clinic = await makeClinic(db, { timezone: middayTimeZone() });
	const receptionist = await makeMember(db, clinic.id, 'reception');
	const made = await makeMember(db, clinic.id, 'doctor');
	doctor = { id: made.id, name: made.name };
	desk = { clinicId: clinic.id, actor: { userId: receptionist.id, role: 'reception' } };
	await setAvailability(db, { clinicId: clinic.id, actor: { userId: (await makeMember(db, clinic.id, 'admin')).id, role: 'admin' } }, doctor.id, {
		weekly: everyDay,
		exceptions: []
	});
});

type LoadEvent = Parameters<typeof load>[0];
type ActionEvent = Parameters<(typeof actions)['checkIn']>[0];

/** What the page's load and actions read of the request: the signed-in person, the URL and its params. */
async function requestAs(userId: string, code: string, patientId: string, form?: Record<string, string>) {
	const token = generateSessionToken();
	await createSession(db, token, userId, { twoFactorVerified: true });
	const { session, user } = await validateSessionToken(db, token);
	const url = new URL(`http://localhost/${code}/patients/${patientId}`);
	const body = new URLSearchParams(form ?? {});
	const request = new Request(url, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
	return { locals: { session, user, locale: 'en' }, url, params: { clinic: code, id: patientId }, request };
}

async function pageAs(userId: string, code: string, patientId: string) {
	const data = await load((await requestAs(userId, code, patientId)) as unknown as LoadEvent);
	if (!data) throw new Error('no page data');
	return data;
}

const member = async (role: Role) => (await makeMember(db, clinic.id, role)).id;
const slotOn = async (days: number, index = 0) =>
	(await freeSlots(db, clinic.id, clinic.timezone, doctor.id, addDays(clinicToday(clinic.timezone), days)))[index].start;

describe('the patient page’s visits', () => {
	it('lists past and upcoming appointments with doctor, status and reasons, and the tokens with the minutes waited', async () => {
		const record = await makePatient(db, clinic.id);
		const later = await bookAppointment(db, desk, {
			patientId: record.id,
			doctorId: doctor.id,
			start: (await slotOn(3)).toISOString(),
			reason: 'Cough',
			idempotencyKey: rand(8)
		});
		const dropped = await bookAppointment(db, desk, {
			patientId: record.id,
			doctorId: doctor.id,
			start: (await slotOn(4)).toISOString(),
			idempotencyKey: rand(8)
		});
		await cancelAppointment(db, desk, dropped.id, { reason: 'Patient travelling', idempotencyKey: rand(8) });
		const walkIn = await checkInPatient(db, desk, { patientId: record.id, doctorId: doctor.id, idempotencyKey: rand(8) });
		await callNext(db, { clinicId: clinic.id, actor: { userId: doctor.id, role: 'doctor' } }, { doctorId: doctor.id, idempotencyKey: rand(8) });

		const data = await pageAs(desk.actor.userId, clinic.code, record.id);
		expect(data.visits.appointments).toEqual([
			expect.objectContaining({
				id: dropped.id,
				ref: dropped.ref,
				status: 'cancelled',
				cancelReason: 'Patient travelling',
				doctorName: doctor.name,
				checkIn: false
			}),
			expect.objectContaining({ id: later.id, status: 'confirmed', reason: 'Cough', doctorName: doctor.name, checkIn: false })
		]);
		expect(data.visits.tokens).toEqual([
			expect.objectContaining({ id: walkIn.id, token: walkIn.token, day: clinicToday(clinic.timezone), status: 'with_doctor', doctorName: doctor.name })
		]);
		expect(data.visits.tokens?.[0].waitedMinutes).toBeGreaterThanOrEqual(0);
		// They hold a place in today's line: no second check-in is offered.
		expect(data.visits.inLine).toEqual({ token: walkIn.token });
		expect(data.visits.walkIn).toBeNull();
		expect(data.visits.canBook).toBe(true);
	});

	it('offers the check-in of today’s appointment and checks in through the queue’s command', async () => {
		const record = await makePatient(db, clinic.id);
		const today = await bookAppointment(db, desk, {
			patientId: record.id,
			doctorId: doctor.id,
			start: (await slotOn(0, 8)).toISOString(),
			idempotencyKey: rand(8)
		});
		const before = await pageAs(desk.actor.userId, clinic.code, record.id);
		expect(before.visits.appointments?.find((a: { id: string }) => a.id === today.id)?.checkIn).toBe(true);
		expect(before.visits.walkIn?.doctors.map((d: { id: string }) => d.id)).toContain(doctor.id);

		const event = await requestAs(desk.actor.userId, clinic.code, record.id, { appointmentId: today.id, idempotencyKey: rand(8) });
		const result = await actions.checkIn(event as unknown as ActionEvent);
		expect(result).toEqual({ checkedIn: { token: expect.any(String) } });

		const after = await pageAs(desk.actor.userId, clinic.code, record.id);
		expect(after.visits.appointments?.find((a: { id: string }) => a.id === today.id)).toEqual(
			expect.objectContaining({ status: 'checked_in', checkIn: false })
		);
		expect(after.visits.tokens?.[0].status).toBe('waiting');
		expect(after.visits.inLine).not.toBeNull();
	});

	it('refuses a check-in it cannot do with a clear error and changes nothing', async () => {
		const record = await makePatient(db, clinic.id);
		const bad = await requestAs(desk.actor.userId, clinic.code, record.id, { appointmentId: 'not-an-id', idempotencyKey: rand(8) });
		const refused = await actions.checkIn(bad as unknown as ActionEvent);
		expect(refused).toEqual(
			expect.objectContaining({ status: 400, data: expect.objectContaining({ error: expect.objectContaining({ field: 'appointmentId' }) }) })
		);
		// A pharmacist sees the record but may not check anyone in.
		const pharmacist = await member('pharmacist');
		const asPharmacist = await requestAs(pharmacist, clinic.code, record.id, { idempotencyKey: rand(8) });
		expect(await actions.checkIn(asPharmacist as unknown as ActionEvent)).toEqual(expect.objectContaining({ status: 403 }));
		expect((await pageAs(pharmacist, clinic.code, record.id)).visits).toEqual(expect.objectContaining({ walkIn: null, canBook: false }));
		expect((await pageAs(desk.actor.userId, clinic.code, record.id)).visits.tokens).toEqual([]);
	});

	it('shows nothing of a record to another clinic’s staff, and its reads refuse a role without the policy’s leave', async () => {
		const record = await makePatient(db, clinic.id);
		const elsewhere = await makeClinic(db);
		const stranger = await makeMember(db, elsewhere.id, 'admin');
		// Another clinic's code with this record's id: the record is not in that clinic.
		await expect(pageAs(stranger.id, elsewhere.code, record.id)).rejects.toMatchObject({ status: 404 });
		// This clinic's code: not a member there.
		await expect(pageAs(stranger.id, clinic.code, record.id)).rejects.toMatchObject({ status: 404 });
		const foreign: ClinicContext = { clinicId: elsewhere.id, actor: { userId: stranger.id, role: 'admin' } };
		expect(await patientAppointmentHistory(db, foreign, record.id)).toEqual([]);
		expect(await patientQueueHistory(db, foreign, record.id)).toEqual([]);
		const nobody: ClinicContext = { clinicId: clinic.id, actor: { userId: stranger.id, role: null } };
		await expect(patientAppointmentHistory(db, nobody, record.id)).rejects.toMatchObject({ status: 403 });
		await expect(patientQueueHistory(db, nobody, record.id)).rejects.toMatchObject({ status: 403 });
	});

	it('opens the calendar’s booking with the patient picked, only for a record of that clinic', async () => {
		const record = await makePatient(db, clinic.id, `Booked ${rand(3)}`);
		const calendarAs = async (patient: string) => {
			const base = await requestAs(desk.actor.userId, clinic.code, record.id);
			const url = new URL(`http://localhost/${clinic.code}/calendar?patient=${patient}`);
			const parent = async () => ({ clinic, role: 'reception' as const, user: base.locals.user });
			const data = await calendarLoad({ ...base, url, parent } as unknown as Parameters<typeof calendarLoad>[0]);
			if (!data) throw new Error('no page data');
			return data;
		};
		expect((await calendarAs(record.id)).bookFor).toEqual(expect.objectContaining({ id: record.id, name: record.name }));
		const foreign = await makePatient(db, (await makeClinic(db)).id);
		expect((await calendarAs(foreign.id)).bookFor).toBeNull();
		expect((await calendarAs('not-a-uuid')).bookFor).toBeNull();
	});
});
