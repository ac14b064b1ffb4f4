import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { documentName } from '../../src/lib/sync/protocol';
import { readProjection } from '../../src/lib/server/sync/projection';
import { calendarContract } from '../../src/lib/sync/contracts/calendar';
import { readContent } from '../../src/lib/sync/contracts/reading';
import { registerPatient } from '../../src/lib/server/patients/registerPatient';
import { setAvailability } from '../../src/lib/server/scheduling/setAvailability';
import { bookAppointment } from '../../src/lib/server/scheduling/bookAppointment';
import { createAppointmentType, updateAppointmentType } from '../../src/lib/server/scheduling/appointmentTypes';
import { cancelAppointment } from '../../src/lib/server/scheduling/changeAppointment';
import { appointment } from '../../src/lib/server/db/schema/scheduling';
import { clinicToday } from '../../src/lib/time';
import type { ClinicContext } from '../../src/lib/server/tenancy/context';
import { makeClinic, makeMember, makeSession, rand } from '../factories';
import { barrier, connect, eventually, startSync, type RunningSync } from './harness';

let running: RunningSync;
beforeAll(async () => {
	running = await startSync();
});
afterAll(() => running.close());

const TZ = 'Asia/Karachi';
type CalendarRow = { id: string; doctorId: string; patientName: string; start: string; status: string };
const appointmentsOf = (doc: import('yjs').Doc) => (readProjection(doc).appointments ?? []) as CalendarRow[];

/** A clinic with a doctor working every day 09:00–17:00, a receptionist, and one patient. */
async function clinicWithDoctor() {
	const { db } = running.database;
	const clinic = await makeClinic(db, { timezone: TZ });
	const receptionist = await makeMember(db, clinic.id, 'reception', { name: 'Rubina Desk' });
	const doctor = await makeMember(db, clinic.id, 'doctor', { name: 'Dr Bilal' });
	const desk: ClinicContext = { clinicId: clinic.id, actor: { userId: receptionist.id, role: 'reception' } };
	const weekly = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '09:00', end: '17:00', slotMinutes: 15 }));
	await setAvailability(db, desk, doctor.id, { weekly });
	const result = await registerPatient(db, desk, { name: `Sana ${rand(3)}` }, { allowDuplicate: true });
	if (result.status !== 'created') throw new Error('patient not created');
	const day = clinicToday(TZ, new Date(Date.now() + 2 * 86_400_000));
	return { clinic, receptionist, doctor, desk, patient: result.patient, day };
}

describe('the clinic calendar projection', () => {
	it('shows a booking, then its cancellation, to a connected client once the command commits and is published', async () => {
		const { db } = running.database;
		const { clinic, receptionist, doctor, desk, patient, day } = await clinicWithDoctor();
		const name = documentName.calendar(clinic.id, day);
		const watcher = connect(running.url, name, { token: await makeSession(db, doctor.id) });
		expect(await watcher.outcome).toBe('synced');
		expect(readProjection(watcher.doc).doctors).toEqual([{ id: doctor.id, name: 'Dr Bilal' }]);
		expect(appointmentsOf(watcher.doc)).toEqual([]);

		const booked = await bookAppointment(db, desk, { patientId: patient.id, doctorId: doctor.id, start: `${day}T10:00:00+05:00`, idempotencyKey: rand(8) });
		const seen = await eventually(
			() => appointmentsOf(watcher.doc),
			(rows) => rows.length === 1
		);
		expect(seen[0]).toMatchObject({ id: booked.id, doctorId: doctor.id, patientName: patient.name, start: new Date(`${day}T10:00:00+05:00`).toISOString() });
		// What the screen reads is what the contract promises.
		expect(readContent(calendarContract, readProjection(watcher.doc)).state).toBe('ok');

		await cancelAppointment(db, { ...desk, actor: { userId: receptionist.id, role: 'reception' } }, booked.id, {
			reason: 'Patient called',
			idempotencyKey: crypto.randomUUID()
		});
		await eventually(
			() => appointmentsOf(watcher.doc)[0]?.status,
			(status) => status === 'cancelled'
		);
		watcher.destroy();
	});

	it("carries each doctor's working hours, and rebuilds for an open calendar when the hours change (leave, a shorter day)", async () => {
		const { db } = running.database;
		const { clinic, doctor, desk, day } = await clinicWithDoctor();
		const watcher = connect(running.url, documentName.calendar(clinic.id, day), { token: await makeSession(db, doctor.id) });
		expect(await watcher.outcome).toBe('synced');
		const at = (hhmm: string) => new Date(`${day}T${hhmm}:00+05:00`).toISOString();
		expect(readProjection(watcher.doc).hours).toEqual([{ doctorId: doctor.id, start: at('09:00'), end: at('17:00') }]);

		// A lunch break splits the day; the open document follows without a reload.
		const weekly = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
			weekday,
			start: '09:00',
			end: '15:00',
			slotMinutes: 15,
			breaks: [{ start: '12:00', end: '13:00' }]
		}));
		await setAvailability(db, desk, doctor.id, { weekly });
		await eventually(
			() => readProjection(watcher.doc).hours,
			(hours) =>
				JSON.stringify(hours) ===
				JSON.stringify([
					{ doctorId: doctor.id, start: at('09:00'), end: at('12:00') },
					{ doctorId: doctor.id, start: at('13:00'), end: at('15:00') }
				])
		);
		// Leave that day: no working hours at all (the grid shades the whole column).
		await setAvailability(db, desk, doctor.id, { weekly, exceptions: [{ date: day, off: true, reason: 'leave' }] });
		await eventually(
			() => readProjection(watcher.doc).hours as unknown[],
			(hours) => hours.length === 0
		);
		watcher.destroy();
	});

	it('drops a client write: a forged appointment never reaches the server copy, another client or Postgres', async () => {
		const { db } = running.database;
		const { clinic, receptionist, doctor, day } = await clinicWithDoctor();
		const name = documentName.calendar(clinic.id, day);
		const writer = connect(running.url, name, { token: await makeSession(db, receptionist.id) });
		const watcher = connect(running.url, name, { token: await makeSession(db, doctor.id) });
		expect(await writer.outcome).toBe('synced');
		expect(await watcher.outcome).toBe('synced');

		const forged = { id: crypto.randomUUID(), doctorId: doctor.id, patientName: 'Forged', start: `${day}T04:00:00.000Z`, status: 'confirmed' };
		writer.doc.getMap('projection').set('appointments', [forged]);
		// The forged write went first on the writer's socket: once its next message reaches the watcher, the server has handled it.
		await barrier(writer, watcher.provider.awareness!);

		expect(appointmentsOf(watcher.doc)).toEqual([]);
		const held = running.sync.hocuspocus.documents.get(name);
		expect(held && appointmentsOf(held)).toEqual([]);
		expect(await db.select().from(appointment).where(eq(appointment.clinicId, clinic.id))).toEqual([]);
		writer.destroy();
		watcher.destroy();
	});

	it("refuses another clinic's staff", async () => {
		const { db } = running.database;
		const { clinic, day } = await clinicWithDoctor();
		const elsewhere = await makeClinic(db);
		const stranger = await makeMember(db, elsewhere.id, 'reception');
		const client = connect(running.url, documentName.calendar(clinic.id, day), { token: await makeSession(db, stranger.id) });
		expect(await client.outcome).not.toBe('synced');
		client.destroy();
	});
});

describe('appointment types on the live calendar', () => {
	it('shows a typed booking with its type’s name and colour, and a new colour as soon as the admin changes it', async () => {
		const { db } = running.database;
		const { clinic, doctor, desk, patient, day } = await clinicWithDoctor();
		const admin: ClinicContext = { clinicId: clinic.id, actor: { userId: (await makeMember(db, clinic.id, 'admin')).id, role: 'admin' } };
		const type = await createAppointmentType(db, admin, { name: 'Physiotherapy', minutes: 45, color: '#6941C6' });
		const watcher = connect(running.url, documentName.calendar(clinic.id, day), { token: await makeSession(db, doctor.id) });
		expect(await watcher.outcome).toBe('synced');
		const booked = await bookAppointment(db, desk, {
			patientId: patient.id,
			doctorId: doctor.id,
			start: `${day}T11:00:00+05:00`,
			typeId: type.id,
			idempotencyKey: rand(8)
		});
		const typeOf = () =>
			(readProjection(watcher.doc).appointments as { id: string; end: string; type: unknown }[] | undefined)?.find((a) => a.id === booked.id);
		const seen = await eventually(typeOf, (a) => a !== undefined);
		expect(seen).toMatchObject({ end: new Date(`${day}T11:45:00+05:00`).toISOString(), type: { id: type.id, name: 'Physiotherapy', color: '#6941c6' } });
		expect(readContent(calendarContract, readProjection(watcher.doc)).state).toBe('ok');
		await updateAppointmentType(db, admin, type.id, { color: '#027A48' });
		await eventually(
			() => JSON.stringify(typeOf()?.type),
			(t) => t?.includes('#027a48') ?? false
		);
		watcher.destroy();
	});
});
