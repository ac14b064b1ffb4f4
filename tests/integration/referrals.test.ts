import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { testDatabase } from '../db';
import { makeClinic, makeMember, rand } from '../factories';
import { ctxOf, key, makePatient } from './queueScene';
import { acceptReferral, createReferral, declineReferral, listReferrals, remindStaleReferrals } from '../../src/lib/server/referrals/referrals';
import { projectClinicReferrals } from '../../src/lib/server/referrals/project';
import { referralsContract } from '../../src/lib/sync/contracts/referrals';
import { setAvailability } from '../../src/lib/server/scheduling/setAvailability';
import { bookAppointment } from '../../src/lib/server/scheduling/bookAppointment';
import { checkInPatient } from '../../src/lib/server/queue/checkIn';
import { callNext } from '../../src/lib/server/queue/callNext';
import { outboxEvent, referral } from '../../src/lib/server/db/schema';
import { clinicToday } from '../../src/lib/time';
import type { ClinicContext } from '../../src/lib/server/tenancy/context';
import type { Database } from '../../src/lib/server/db';

let database: Database;
let home: { id: string; code: string }, branch: { id: string; code: string }, stranger: { id: string; code: string };
let sender: ClinicContext, colleague: ClinicContext, nurse: ClinicContext, desk: ClinicContext, pharmacist: ClinicContext, admin: ClinicContext;
let branchDoctor: ClinicContext, strangerDoctor: ClinicContext;
const TZ = 'Asia/Karachi';

const referralsDoc = async (clinicId: string) => referralsContract.parse(await projectClinicReferrals(database.db, { type: 'referrals', clinicId })).referrals;

beforeAll(async () => {
	database = await testDatabase();
	const db = database.db;
	const h = await makeClinic(db, { timezone: TZ });
	const b = await makeClinic(db, { timezone: TZ });
	const s = await makeClinic(db, { timezone: TZ });
	home = h;
	branch = b;
	stranger = s;
	const member = async (clinicId: string, role: 'admin' | 'doctor' | 'nurse' | 'reception' | 'pharmacist') =>
		ctxOf(clinicId, (await makeMember(db, clinicId, role)).id, role);
	[sender, colleague, nurse, desk, pharmacist, admin] = await Promise.all([
		member(h.id, 'doctor'),
		member(h.id, 'doctor'),
		member(h.id, 'nurse'),
		member(h.id, 'reception'),
		member(h.id, 'pharmacist'),
		member(h.id, 'admin')
	]);
	// The branch shares the home clinic's administrator; the stranger clinic does not.
	await db.insert((await import('../../src/lib/server/db/schema')).membership).values({ clinicId: b.id, userId: admin.actor.userId, role: 'admin' });
	branchDoctor = await member(b.id, 'doctor');
	strangerDoctor = await member(s.id, 'doctor');
	await member(s.id, 'admin');
});

describe('referrals', () => {
	it('lets a doctor refer to a colleague, who sees it arrive in the clinic’s live document and accepts it', async () => {
		const patient = await makePatient(database.db, home.id);
		const sent = await createReferral(database.db, sender, {
			patientId: patient.id,
			toDoctorId: colleague.actor.userId,
			note: 'Please review the murmur',
			discount: { percent: 20 },
			idempotencyKey: key()
		});
		expect(sent).toMatchObject({ status: 'sent', toPatientId: patient.id, discount: { percent: 20 }, note: 'Please review the murmur' });
		expect(sent.ref).toMatch(new RegExp(`^${home.code}-R\\d+$`));
		expect(await referralsDoc(home.id)).toContainEqual(expect.objectContaining({ id: sent.id, status: 'sent', fromClinicName: null, discountPercent: 20 }));
		expect((await listReferrals(database.db, colleague, { to: 'me' })).map((r) => r.id)).toContain(sent.id);
		expect((await listReferrals(database.db, sender, { to: 'me' })).map((r) => r.id)).not.toContain(sent.id);
		expect((await listReferrals(database.db, sender, { from: 'me' })).map((r) => r.id)).toContain(sent.id);
		// Only the doctor it is addressed to answers it.
		await expect(acceptReferral(database.db, sender, sent.id, {})).rejects.toMatchObject({ status: 403 });
		const accepted = await acceptReferral(database.db, colleague, sent.id, {});
		expect(accepted.status).toBe('accepted');
		await expect(acceptReferral(database.db, colleague, sent.id, {})).rejects.toMatchObject({ status: 409, code: 'referral_state' });
	});

	it('moves on to booked when the patient is booked with that doctor, and to seen when the doctor calls them', async () => {
		const patient = await makePatient(database.db, home.id);
		const sent = await createReferral(database.db, sender, {
			patientId: patient.id,
			toDoctorId: colleague.actor.userId,
			note: 'ECG please',
			idempotencyKey: key()
		});
		await acceptReferral(database.db, colleague, sent.id, {});
		const weekly = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '23:45', slotMinutes: 15 as const, breaks: [] }));
		await setAvailability(database.db, desk, colleague.actor.userId, { weekly });
		const day = clinicToday(TZ, new Date(Date.now() + 2 * 86_400_000));
		const booked = await bookAppointment(database.db, desk, {
			patientId: patient.id,
			doctorId: colleague.actor.userId,
			start: `${day}T10:00:00+05:00`,
			idempotencyKey: rand(8)
		});
		const [afterBooking] = await listReferrals(database.db, colleague, { to: 'me' }).then((all) => all.filter((r) => r.id === sent.id));
		expect(afterBooking).toMatchObject({ status: 'booked', appointmentId: booked.id });
		await checkInPatient(database.db, desk, { patientId: patient.id, doctorId: colleague.actor.userId, idempotencyKey: key() });
		await callNext(database.db, colleague, { doctorId: colleague.actor.userId, idempotencyKey: key() });
		const [seen] = await database.db.select().from(referral).where(eq(referral.id, sent.id));
		expect(seen.status).toBe('seen');
		expect(seen.seenVisitId).not.toBeNull();
		expect((await referralsDoc(home.id)).map((r) => r.id)).not.toContain(sent.id);
	});

	it('goes to a branch with the same administrator, names the branch’s own record when accepted, and never to another clinic', async () => {
		const patient = await makePatient(database.db, home.id);
		await expect(
			createReferral(database.db, sender, {
				patientId: patient.id,
				toDoctorId: strangerDoctor.actor.userId,
				toClinic: stranger.code,
				note: 'x',
				idempotencyKey: key()
			})
		).rejects.toMatchObject({ status: 400, code: 'referral_clinic_invalid', field: 'toClinic' });
		// A doctor of the branch named without the branch is not a doctor of this clinic.
		await expect(
			createReferral(database.db, sender, { patientId: patient.id, toDoctorId: branchDoctor.actor.userId, note: 'x', idempotencyKey: key() })
		).rejects.toMatchObject({ status: 400, code: 'referral_doctor_invalid', field: 'toDoctorId' });
		const sent = await createReferral(database.db, sender, {
			patientId: patient.id,
			toDoctorId: branchDoctor.actor.userId,
			toClinic: branch.code,
			note: 'Cardiology at the branch',
			discount: { amount: 50000 },
			idempotencyKey: key()
		});
		expect(sent).toMatchObject({ toClinic: { code: branch.code }, toPatientId: null, discount: { amount: 50000 } });
		const incoming = await referralsDoc(branch.id);
		expect(incoming).toContainEqual(expect.objectContaining({ id: sent.id, fromClinicName: expect.any(String), patientName: patient.name }));
		expect((await referralsDoc(home.id)).map((r) => r.id)).not.toContain(sent.id);
		// The branch's doctor answers in the branch; a record of the home clinic is not the branch's.
		await expect(acceptReferral(database.db, branchDoctor, sent.id, { patientId: patient.id })).rejects.toMatchObject({ status: 404, field: 'patientId' });
		const own = await makePatient(database.db, branch.id, patient.name);
		expect(await acceptReferral(database.db, branchDoctor, sent.id, { patientId: own.id })).toMatchObject({ status: 'accepted', toPatientId: own.id });
		// The sender's clinic cannot answer it through its own code.
		await expect(declineReferral(database.db, sender, sent.id, { reason: 'no' })).rejects.toMatchObject({ status: 404 });
	});

	it('is declined with a reason the referring doctor reads', async () => {
		const patient = await makePatient(database.db, home.id);
		const sent = await createReferral(database.db, sender, {
			patientId: patient.id,
			toDoctorId: colleague.actor.userId,
			note: 'Skin rash',
			idempotencyKey: key()
		});
		await expect(declineReferral(database.db, colleague, sent.id, { reason: '  ' })).rejects.toMatchObject({ status: 400, field: 'reason' });
		const declined = await declineReferral(database.db, colleague, sent.id, { reason: 'Not my speciality: see dermatology' });
		expect(declined).toMatchObject({ status: 'declined', declineReason: 'Not my speciality: see dermatology' });
		const mine = await listReferrals(database.db, sender, { from: 'me' });
		expect(mine.find((r) => r.id === sent.id)?.declineReason).toBe('Not my speciality: see dermatology');
		expect((await referralsDoc(home.id)).map((r) => r.id)).not.toContain(sent.id);
	});

	it('refuses everyone but doctors to send, and the desk, the pharmacy and admins to read', async () => {
		const patient = await makePatient(database.db, home.id);
		for (const who of [nurse, desk, pharmacist, admin]) {
			await expect(
				createReferral(database.db, who, { patientId: patient.id, toDoctorId: colleague.actor.userId, note: 'x', idempotencyKey: key() })
			).rejects.toMatchObject({
				status: 403
			});
		}
		for (const who of [desk, pharmacist, admin]) await expect(listReferrals(database.db, who, {})).rejects.toMatchObject({ status: 403 });
		expect(Array.isArray(await listReferrals(database.db, nurse, {}))).toBe(true);
		// Another clinic's patient is not found; referring oneself is refused; bad input names every field.
		const theirs = await makePatient(database.db, stranger.id);
		await expect(
			createReferral(database.db, sender, { patientId: theirs.id, toDoctorId: colleague.actor.userId, note: 'x', idempotencyKey: key() })
		).rejects.toMatchObject({
			status: 404,
			field: 'patientId'
		});
		await expect(
			createReferral(database.db, sender, { patientId: patient.id, toDoctorId: sender.actor.userId, note: 'x', idempotencyKey: key() })
		).rejects.toMatchObject({
			code: 'referral_doctor_invalid'
		});
		await expect(
			createReferral(database.db, sender, {
				patientId: 'nope',
				toDoctorId: colleague.actor.userId,
				note: '',
				discount: { percent: 120 },
				idempotencyKey: key()
			})
		).rejects.toMatchObject({ status: 400, fields: [{ field: 'patientId' }, { field: 'note' }, { field: 'discount.percent' }] });
		await expect(
			createReferral(database.db, sender, {
				patientId: patient.id,
				toDoctorId: colleague.actor.userId,
				note: 'x',
				discount: { percent: 10, amount: 5 },
				idempotencyKey: key()
			})
		).rejects.toMatchObject({ status: 400, fields: [{ field: 'discount' }] });
		await expect(createReferral(database.db, sender, { patientId: patient.id, toDoctorId: colleague.actor.userId, note: 'x' })).rejects.toMatchObject({
			code: 'idempotency_key_required'
		});
	});

	it('sends one referral for two tries with the same key', async () => {
		const patient = await makePatient(database.db, home.id);
		const input = { patientId: patient.id, toDoctorId: colleague.actor.userId, note: 'Retried', idempotencyKey: key() };
		const [a, b] = await Promise.all([createReferral(database.db, sender, input), createReferral(database.db, sender, input)]);
		expect(a.id).toBe(b.id);
		expect(
			await database.db
				.select()
				.from(referral)
				.where(and(eq(referral.patientId, patient.id)))
		).toHaveLength(1);
	});

	it('reminds the referring doctor once of a referral unanswered for three days', async () => {
		const patient = await makePatient(database.db, home.id);
		const sent = await createReferral(database.db, sender, {
			patientId: patient.id,
			toDoctorId: colleague.actor.userId,
			note: 'Waiting',
			idempotencyKey: key()
		});
		const reminded = () =>
			database.db
				.select()
				.from(outboxEvent)
				.where(eq(outboxEvent.type, 'referral.reminder'))
				.then((rows) => rows.filter((r) => (r.payload as { referralId: string }).referralId === sent.id));
		await remindStaleReferrals(database.db, new Date(Date.now() + 2 * 86_400_000));
		expect(await reminded()).toHaveLength(0);
		await remindStaleReferrals(database.db, new Date(Date.now() + 4 * 86_400_000));
		expect(await reminded()).toEqual([expect.objectContaining({ payload: { referralId: sent.id, doctorId: sender.actor.userId } })]);
		await remindStaleReferrals(database.db, new Date(Date.now() + 5 * 86_400_000));
		expect(await reminded()).toHaveLength(1);
	});
});
