import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentName } from '../../src/lib/sync/protocol';
import { readProjection } from '../../src/lib/server/sync/projection';
import { waitlistContract } from '../../src/lib/sync/contracts/waitlist';
import { readContent } from '../../src/lib/sync/contracts/reading';
import { registerPatient } from '../../src/lib/server/patients/registerPatient';
import { setAvailability } from '../../src/lib/server/scheduling/setAvailability';
import { bookAppointment } from '../../src/lib/server/scheduling/bookAppointment';
import { cancelAppointment } from '../../src/lib/server/scheduling/changeAppointment';
import { joinWaitlist } from '../../src/lib/server/scheduling/waitlist';
import { clinicToday } from '../../src/lib/time';
import type { ClinicContext } from '../../src/lib/server/tenancy/context';
import { makeClinic, makeMember, makeSession, rand } from '../factories';
import { connect, eventually, startSync, type RunningSync } from './harness';

let running: RunningSync;
beforeAll(async () => {
	running = await startSync();
});
afterAll(() => running.close());

const TZ = 'Asia/Karachi';
type WaitlistRow = { id: string; patientName: string; status: string; offeredStart: string | null; currentStart: string | null };
const entriesOf = (doc: import('yjs').Doc) => (readProjection(doc).entries ?? []) as WaitlistRow[];

describe('the clinic waitlist projection', () => {
	it('shows the desk an offer as soon as a cancellation that created it is published', async () => {
		const { db } = running.database;
		const clinic = await makeClinic(db, { timezone: TZ });
		const receptionist = await makeMember(db, clinic.id, 'reception');
		const doctor = await makeMember(db, clinic.id, 'doctor');
		const desk: ClinicContext = { clinicId: clinic.id, actor: { userId: receptionist.id, role: 'reception' } };
		const weekly = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '09:00', end: '17:00', slotMinutes: 15 }));
		await setAvailability(db, desk, doctor.id, { weekly });
		const patient = async () => {
			const result = await registerPatient(db, desk, { name: `Hira ${rand(3)}` }, { allowDuplicate: true });
			if (result.status !== 'created') throw new Error('patient not created');
			return result.patient;
		};
		const day = clinicToday(TZ, new Date(Date.now() + 2 * 86_400_000));
		const waiting = await patient();
		const held = await bookAppointment(db, desk, { patientId: waiting.id, doctorId: doctor.id, start: `${day}T15:00:00+05:00`, idempotencyKey: rand(8) });
		const entry = await joinWaitlist(db, desk, { patientId: waiting.id, doctorId: doctor.id, currentAppointmentId: held.id });
		const earlier = await bookAppointment(db, desk, {
			patientId: (await patient()).id,
			doctorId: doctor.id,
			start: `${day}T10:00:00+05:00`,
			idempotencyKey: rand(8)
		});

		const watcher = connect(running.url, documentName.waitlist(clinic.id), { token: await makeSession(db, receptionist.id) });
		expect(await watcher.outcome).toBe('synced');
		expect(entriesOf(watcher.doc)).toEqual([expect.objectContaining({ id: entry.id, patientName: waiting.name, status: 'waiting', currentStart: held.start })]);

		await cancelAppointment(db, desk, earlier.id, { reason: 'Travelling', idempotencyKey: crypto.randomUUID() });
		const seen = await eventually(
			() => entriesOf(watcher.doc),
			(rows) => rows[0]?.status === 'offered'
		);
		expect(seen[0]).toMatchObject({ offeredStart: earlier.start });
		// What the screen reads is what the contract promises.
		expect(readContent(waitlistContract, readProjection(watcher.doc)).state).toBe('ok');
		watcher.destroy();
	});

	it('is refused to a pharmacist and to another clinic\u2019s staff', async () => {
		const { db } = running.database;
		const clinic = await makeClinic(db);
		const pharmacist = await makeMember(db, clinic.id, 'pharmacist');
		const stranger = await makeMember(db, (await makeClinic(db)).id, 'reception');
		for (const who of [pharmacist, stranger]) {
			const client = connect(running.url, documentName.waitlist(clinic.id), { token: await makeSession(db, who.id) });
			expect(await client.outcome).not.toBe('synced');
			client.destroy();
		}
	});
});
