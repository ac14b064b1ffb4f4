import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import { projectClinicCalendar } from '../../src/lib/server/scheduling/project';
import { testDatabase } from '../db';
import { makeClinic, makeMember } from '../factories';
import { makeAppointment, makePatient } from './queueScene';

let db: Db;
beforeAll(async () => {
	db = (await testDatabase()).db;
});

/**
 * A clinic in the zone with one appointment at each instant; the calendar projection of the day
 * is asked for, and the instants of the appointments it holds come back.
 */
async function calendarOf(timezone: string, day: string, instants: string[]) {
	const home = await makeClinic(db, { timezone });
	const doctor = await makeMember(db, home.id, 'doctor');
	const patient = await makePatient(db, home.id);
	for (const at of instants) await makeAppointment(db, home.id, patient.id, doctor.id, new Date(at));
	const content = await projectClinicCalendar(db, { type: 'calendar', clinicId: home.id, day });
	const appointments = (content.appointments ?? []) as { start: string }[];
	return appointments.map((a) => a.start).sort();
}

describe('the calendar of a clinic day', () => {
	it('holds the first minutes of a day whose clocks go back that night (Auckland), and nothing of the days around it', async () => {
		// 2026-04-05 in Auckland runs from 00:00 +13:00 to 24:00 +12:00: 25 hours.
		const starts = await calendarOf('Pacific/Auckland', '2026-04-05', [
			'2026-04-04T10:45:00.000Z', // 23:45 on the 4th
			'2026-04-04T11:05:00.000Z', // 00:05 on the 5th, before the clocks go back
			'2026-04-05T11:40:00.000Z', // 23:40 on the 5th, after
			'2026-04-05T12:00:00.000Z' // 00:00 on the 6th
		]);
		expect(starts).toEqual(['2026-04-04T11:05:00.000Z', '2026-04-05T11:40:00.000Z']);
	});

	it('begins at 01:00 on a day whose midnight the clocks skip (Beirut)', async () => {
		// On 2026-03-29 Beirut goes from 00:00 +02:00 straight to 01:00 +03:00.
		const starts = await calendarOf('Asia/Beirut', '2026-03-29', [
			'2026-03-28T21:40:00.000Z', // 23:40 on the 28th
			'2026-03-28T22:00:00.000Z', // 01:00 on the 29th, its first minute
			'2026-03-29T20:45:00.000Z' // 23:45 on the 29th
		]);
		expect(starts).toEqual(['2026-03-28T22:00:00.000Z', '2026-03-29T20:45:00.000Z']);
	});
});
