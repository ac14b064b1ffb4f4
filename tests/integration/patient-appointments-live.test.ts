import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../db';
import { makeClinic, makeMember, makeUser, middayTimeZone, rand } from '../factories';
import { patient } from '../../src/lib/server/db/schema/patients';
import { setAvailability, addClinicClosure } from '../../src/lib/server/scheduling/setAvailability';
import { freeSlots } from '../../src/lib/server/scheduling/queries';
import { bookAppointment } from '../../src/lib/server/scheduling/bookAppointment';
import { cancelAppointment, decideAppointment } from '../../src/lib/server/scheduling/changeAppointment';
import { cancelAppointmentAsPatient, requestAppointmentAsPatient } from '../../src/lib/server/scheduling/patientBooking';
import { projectPatientAppointments } from '../../src/lib/server/scheduling/patientProject';
import { checkInPatient } from '../../src/lib/server/queue/checkIn';
import { registerPatient } from '../../src/lib/server/patients/registerPatient';
import { locatePatientLive } from '../../src/lib/server/sync/projections/patientLive';
import { documentAccess, type SyncActor } from '../../src/lib/server/sync/policy';
import { patientAppointmentsContract, type PatientAppointmentsContent } from '../../src/lib/sync/contracts/patientAppointments';
import { addDays, clinicToday } from '../../src/lib/time';
import type { ClinicContext } from '../../src/lib/server/tenancy/context';
import type { Database } from '../../src/lib/server/db';

/**
 * `patient/{id}/appointments`: what the patient's phone shows follows the desk's commands, says
 * when and why the clinic cancelled, and belongs to that patient (and their clinic's staff) alone.
 */
let database: Database;
let desk: ClinicContext;
let admin: ClinicContext;
let doctorId: string;
let clinicId: string;
let clinicCode: string;
let timeZone: string;
const everyDay = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '23:45', slotMinutes: 15, breaks: [] }));

async function linkedPatient() {
	const user = await makeUser(database.db, { kind: 'patient' });
	const result = await registerPatient(database.db, desk, { name: `Patient ${rand(3)}` }, { allowDuplicate: true });
	if (result.status !== 'created') throw new Error('not created');
	await database.db.update(patient).set({ userId: user.id }).where(eq(patient.id, result.patient.id));
	return { userId: user.id, patientId: result.patient.id };
}

/** The document as the sync server builds it, checked against the contract the phone reads it with. */
async function listOf(patientId: string): Promise<PatientAppointmentsContent> {
	const content = await projectPatientAppointments(database.db, { type: 'patientAppointments', patientId });
	const parsed = patientAppointmentsContract.safeParse(content);
	if (!parsed.success) throw new Error(`not the contract's shape: ${parsed.error.message}`);
	return parsed.data;
}

const slotOn = async (days: number, index = 0) => {
	const slots = await freeSlots(database.db, clinicId, timeZone, doctorId, addDays(clinicToday(timeZone), days));
	return slots[index].start;
};

beforeAll(async () => {
	database = await testDatabase();
	timeZone = middayTimeZone();
	const clinic = await makeClinic(database.db, { timezone: timeZone });
	clinicId = clinic.id;
	clinicCode = clinic.code;
	const receptionist = await makeMember(database.db, clinic.id, 'reception');
	doctorId = (await makeMember(database.db, clinic.id, 'doctor')).id;
	desk = { clinicId, actor: { userId: receptionist.id, role: 'reception' } };
	admin = { clinicId, actor: { userId: (await makeMember(database.db, clinic.id, 'admin')).id, role: 'admin' } };
	await setAvailability(database.db, admin, doctorId, { weekly: everyDay, exceptions: [] });
});

describe('the patient’s live appointment list', () => {
	it('follows a request, the desk’s confirmation and the check-in', async () => {
		const me = await linkedPatient();
		const start = await slotOn(0, 4);
		const requested = await requestAppointmentAsPatient(database.db, me.userId, {
			clinic: clinicCode,
			doctorId,
			start: start.toISOString(),
			idempotencyKey: rand(8)
		});
		expect((await listOf(me.patientId)).appointments).toEqual([
			expect.objectContaining({ id: requested.id, ref: requested.ref, status: 'requested', cancellation: null, start: start.toISOString() })
		]);

		await decideAppointment(database.db, desk, requested.id, 'confirm');
		expect((await listOf(me.patientId)).appointments.map((a) => a.status)).toEqual(['confirmed']);

		await checkInPatient(database.db, desk, { appointmentId: requested.id, idempotencyKey: rand(8) });
		expect((await listOf(me.patientId)).appointments.map((a) => a.status)).toEqual(['checked_in']);
	});

	it('shows an appointment the desk cancelled as cancelled by the clinic, with the desk’s reason', async () => {
		const me = await linkedPatient();
		const booked = await bookAppointment(database.db, desk, {
			patientId: me.patientId,
			doctorId,
			start: (await slotOn(2)).toISOString(),
			idempotencyKey: rand(8)
		});
		await cancelAppointment(database.db, desk, booked.id, { reason: 'Doctor called to surgery', idempotencyKey: rand(8) });
		const list = await listOf(me.patientId);
		expect(list.clinic?.code).toBe(clinicCode);
		expect(list.appointments).toEqual([
			expect.objectContaining({ id: booked.id, status: 'cancelled', cancellation: { cause: 'clinic', reason: 'Doctor called to surgery' } })
		]);
	});

	it('leaves out what the patient cancelled themselves', async () => {
		const me = await linkedPatient();
		const booked = await bookAppointment(database.db, desk, {
			patientId: me.patientId,
			doctorId,
			start: (await slotOn(3)).toISOString(),
			idempotencyKey: rand(8)
		});
		expect((await listOf(me.patientId)).appointments).toHaveLength(1);
		await cancelAppointmentAsPatient(database.db, me.userId, booked.id, { reason: 'Feeling better', idempotencyKey: rand(8) });
		expect((await listOf(me.patientId)).appointments).toEqual([]);
	});

	it('says the clinic closed that day, never the words given for the closure', async () => {
		const me = await linkedPatient();
		const booked = await bookAppointment(database.db, desk, {
			patientId: me.patientId,
			doctorId,
			start: (await slotOn(5)).toISOString(),
			idempotencyKey: rand(8)
		});
		await addClinicClosure(database.db, admin, { date: addDays(clinicToday(timeZone), 5), reason: 'Staff party', appointments: 'cancel_and_notify' });
		expect((await listOf(me.patientId)).appointments).toEqual([
			expect.objectContaining({ id: booked.id, status: 'cancelled', cancellation: { cause: 'clinic_closed', reason: '' } })
		]);
	});

	it('says the doctor is on leave when their leave cancelled it', async () => {
		const me = await linkedPatient();
		const day = addDays(clinicToday(timeZone), 6);
		const booked = await bookAppointment(database.db, desk, {
			patientId: me.patientId,
			doctorId,
			start: (await slotOn(6)).toISOString(),
			idempotencyKey: rand(8)
		});
		await setAvailability(database.db, admin, doctorId, {
			weekly: everyDay,
			exceptions: [{ date: day, off: true, reason: 'Wedding' }],
			appointments: 'cancel_and_notify'
		});
		expect((await listOf(me.patientId)).appointments).toEqual([
			expect.objectContaining({ id: booked.id, cancellation: { cause: 'doctor_leave', reason: '' } })
		]);
	});

	it('never shows one patient’s appointments in another’s list', async () => {
		const [me, other] = [await linkedPatient(), await linkedPatient()];
		const booked = await bookAppointment(database.db, desk, {
			patientId: me.patientId,
			doctorId,
			start: (await slotOn(4)).toISOString(),
			idempotencyKey: rand(8)
		});
		await cancelAppointment(database.db, desk, booked.id, { reason: 'Private reason', idempotencyKey: rand(8) });
		expect((await listOf(me.patientId)).appointments.map((a) => a.id)).toEqual([booked.id]);
		expect((await listOf(other.patientId)).appointments).toEqual([]);
		expect(JSON.stringify(await listOf(other.patientId))).not.toContain('Private reason');
	});

	it('opens only for the record’s own account and its clinic’s staff', async () => {
		const [me, other] = [await linkedPatient(), await linkedPatient()];
		const ref = { type: 'patientAppointments', patientId: me.patientId } as const;
		const patientActor = (userId: string): SyncActor => ({
			kind: 'user',
			userId,
			name: 'P',
			userKind: 'patient',
			mustChangePassword: false,
			twoFactorEnabled: false
		});
		const staffActor = (userId: string): SyncActor => ({
			kind: 'user',
			userId,
			name: 'S',
			userKind: 'staff',
			mustChangePassword: false,
			twoFactorEnabled: false
		});
		const accessOf = async (actor: SyncActor) => {
			const facts = await locatePatientLive(database.db, ref, actor);
			return facts ? documentAccess(actor, ref, facts) : 'unknown';
		};
		expect(await accessOf(patientActor(me.userId))).toBe('read');
		expect(await accessOf(patientActor(other.userId))).toBe('none');
		expect(await accessOf(staffActor(desk.actor.userId))).toBe('read');
		const elsewhere = await makeClinic(database.db);
		const stranger = await makeMember(database.db, elsewhere.id, 'admin');
		expect(await accessOf(staffActor(stranger.id))).toBe('none');
		const unknown = { type: 'patientAppointments', patientId: crypto.randomUUID() } as const;
		expect(await locatePatientLive(database.db, unknown, patientActor(me.userId))).toBeNull();
		expect(await listOf(unknown.patientId)).toEqual({ clinic: null, appointments: [] });
	});
});
