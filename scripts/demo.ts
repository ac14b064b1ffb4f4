/**
 * `npm run demo`: fills an empty installation with a realistic demo — two clinics, staff of every
 * role (one doctor working in both), doctor profiles, today's duty roster and a few hundred
 * patient accounts — and prints the logins. Uses the same database as `npm start`.
 */
import { getDatabase } from '../src/lib/server/db';
import { appUser } from '../src/lib/server/db/schema';
import { EnvError } from '../src/lib/server/env';
import { hashPassword } from '../src/lib/server/auth/password';
import { setupInstallation } from '../src/lib/server/tenancy/setupInstallation';
import { createClinic } from '../src/lib/server/tenancy/createClinic';
import { addMember } from '../src/lib/server/tenancy/members';
import type { ClinicContext } from '../src/lib/server/tenancy/context';
import { updateDoctorProfile } from '../src/lib/server/tenancy/updateDoctorProfile';
import { setStaffDuty } from '../src/lib/server/tenancy/setStaffDuty';
import { isSetupDone } from '../src/lib/server/tenancy/queries';
import type { Role } from '../src/lib/server/db/schema';
import { closeServices } from '../src/lib/server/services';
import { registerPatient } from '../src/lib/server/patients/registerPatient';
import { createLinkCode } from '../src/lib/server/patients/createLinkCode';
import { linkPatientAccount } from '../src/lib/server/patients/linkPatientAccount';
import { setAvailability } from '../src/lib/server/scheduling/setAvailability';
import { freeSlots } from '../src/lib/server/scheduling/queries';
import { bookAppointment } from '../src/lib/server/scheduling/bookAppointment';
import { decideAppointment } from '../src/lib/server/scheduling/changeAppointment';
import { checkInPatient } from '../src/lib/server/queue/checkIn';
import { callNext } from '../src/lib/server/queue/callNext';
import { createRoom, setTodayRoom } from '../src/lib/server/queue/rooms';
import { createDisplayKey } from '../src/lib/server/queue/displayKeys';

const PASSWORD = 'tabeeb-demo-2026';

type Person = { name: string; email: string; role: Role; doctor?: { specialization: string; registrationNumber: string; fee: number } };

const lahoreStaff: Person[] = [
	{
		name: 'Dr. Ayesha Siddiqui',
		email: 'ayesha@demo.tabeeb',
		role: 'doctor',
		doctor: { specialization: 'Family medicine', registrationNumber: 'PMDC-45812-P', fee: 2000_00 }
	},
	{
		name: 'Dr. Bilal Ahmed',
		email: 'bilal@demo.tabeeb',
		role: 'doctor',
		doctor: { specialization: 'Paediatrics', registrationNumber: 'PMDC-39127-P', fee: 2500_00 }
	},
	{
		name: 'Dr. Rajesh Shrestha',
		email: 'rajesh@demo.tabeeb',
		role: 'doctor',
		doctor: { specialization: 'Cardiology', registrationNumber: 'PMDC-50211-P', fee: 4000_00 }
	},
	{ name: 'Sana Malik', email: 'sana@demo.tabeeb', role: 'reception' },
	{ name: 'Usman Tariq', email: 'usman@demo.tabeeb', role: 'reception' },
	{ name: 'Hina Qureshi', email: 'hina@demo.tabeeb', role: 'pharmacist' }
];

const kathmanduStaff: Person[] = [
	{ name: 'Anil Karki', email: 'anil@demo.tabeeb', role: 'admin' },
	{
		name: 'Dr. Sita Gurung',
		email: 'sita@demo.tabeeb',
		role: 'doctor',
		doctor: { specialization: 'Gynaecology', registrationNumber: 'NMC-18342', fee: 1500_00 }
	},
	{
		name: 'Dr. Rajesh Shrestha',
		email: 'rajesh@demo.tabeeb',
		role: 'doctor',
		doctor: { specialization: 'Cardiology', registrationNumber: 'NMC-20917', fee: 2000_00 }
	},
	{ name: 'Pooja Thapa', email: 'pooja@demo.tabeeb', role: 'reception' },
	{ name: 'Bikash Rai', email: 'bikash@demo.tabeeb', role: 'pharmacist' }
];

const given = [
	'Muhammad',
	'Fatima',
	'Ali',
	'Zainab',
	'Hassan',
	'Maryam',
	'Omar',
	'Khadija',
	'Ahmed',
	'Ayesha',
	'Imran',
	'Sadia',
	'Kamran',
	'Nadia',
	'Farhan',
	'Rabia',
	'Asad',
	'Mehwish',
	'Tariq',
	'Saima',
	'Ram',
	'Sita',
	'Hari',
	'Gita',
	'Bishal',
	'Anjali',
	'Suman',
	'Pramila',
	'Dipesh',
	'Sunita'
];
const family = [
	'Khan',
	'Ahmed',
	'Hussain',
	'Malik',
	'Butt',
	'Chaudhry',
	'Sheikh',
	'Iqbal',
	'Raza',
	'Mirza',
	'Qureshi',
	'Javed',
	'Shrestha',
	'Gurung',
	'Tamang',
	'Adhikari',
	'Thapa',
	'Karki',
	'Rai',
	'Magar'
];

function localDay(timeZone: string, daysAhead = 0): string {
	return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
		new Date(Date.now() + daysAhead * 86_400_000)
	);
}

type Db = Awaited<ReturnType<typeof getDatabase>>['db'];
type Staff = { userId: string; person: Person };

/** Every day of the week, each doctor with their own hours, so the demo clinic is open whatever day it is run. */
const doctorWeeks = [
	{ start: '09:00', end: '17:00', slotMinutes: 15 as const, breaks: [{ start: '13:00', end: '14:00' }] },
	{ start: '08:00', end: '13:00', slotMinutes: 10 as const, breaks: [] },
	{ start: '14:00', end: '21:00', slotMinutes: 20 as const, breaks: [{ start: '17:00', end: '17:20' }] }
];

/**
 * A working clinic day: rooms, the doctors' weekly hours, patient records (the first few linked
 * to the demo patient accounts), appointments today and on the next working day, a few patients checked
 * in, and a display key for the waiting-room screen.
 */
async function fillClinicDay(
	db: Db,
	clinicId: string,
	timezone: string,
	adminId: string,
	doctors: Staff[],
	patientAccounts: { id: string; name: string }[],
	firstAccount: number
) {
	const admin = { clinicId, actor: { userId: adminId, role: 'admin' as const } };
	const rooms = [];
	for (const name of ['Room 1', 'Room 2', 'Room 3']) rooms.push(await createRoom(db, admin, { name }));
	for (const [i, doctor] of doctors.entries()) {
		const week = doctorWeeks[i % doctorWeeks.length];
		await setAvailability(db, admin, doctor.userId, { weekly: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, ...week })) });
		await setTodayRoom(db, admin, { doctorId: doctor.userId, roomId: rooms[i % rooms.length].id });
	}
	const records: string[] = [];
	for (let i = 0; i < 60; i++) {
		const account = i < 10 ? patientAccounts[firstAccount + i] : undefined;
		const name = account?.name ?? `${given[(i * 11) % given.length]} ${family[(i * 3 + 5) % family.length]}`;
		const registered = await registerPatient(
			db,
			admin,
			{
				name,
				sex: i % 2 === 0 ? 'male' : 'female',
				age: 18 + ((i * 7) % 60),
				phone: `+92300${String(1_000_000 + i * 7919).slice(-7)}`,
				preferredLanguage: i % 3 === 0 ? 'ur' : 'en',
				allergies: i % 9 === 0 ? 'Penicillin' : ''
			},
			{ allowDuplicate: true }
		);
		if (registered.status !== 'created') continue;
		records.push(registered.patient.id);
		if (account) {
			const { code } = await createLinkCode(db, admin, registered.patient.id);
			await linkPatientAccount(db, { id: account.id, kind: 'patient' }, { code }, '127.0.0.1');
		}
	}
	let next = 0;
	const booked: { id: string; doctorId: string }[] = [];
	// Today (what is left of it) and the next working day, whatever day of the week the demo runs.
	for (let daysAhead = 0, filled = 0; daysAhead < 8 && filled < 2; daysAhead++) {
		const before = next;
		for (const doctor of doctors) {
			const slots = await freeSlots(db, clinicId, timezone, doctor.userId, localDay(timezone, daysAhead));
			// Every other slot for the first hours, so the day looks busy but leaves room to book.
			for (const slot of slots.filter((_, i) => i % 2 === 0).slice(0, 8)) {
				const appointment = await bookAppointment(db, admin, {
					patientId: records[next++ % records.length],
					doctorId: doctor.userId,
					start: slot.start.toISOString(),
					reason: ['Fever and cough', 'Follow-up', 'Blood pressure check', 'Back pain', ''][next % 5],
					idempotencyKey: `demo-${doctor.userId}-${slot.start.getTime()}`
				});
				if (next % 4 !== 0 && appointment.status === 'requested') {
					await decideAppointment(db, { clinicId, actor: { userId: doctor.userId, role: 'doctor' } }, appointment.id, 'confirm');
				}
				if (daysAhead === 0) booked.push({ id: appointment.id, doctorId: doctor.userId });
			}
		}
		if (next > before || daysAhead === 0) filled++;
	}
	// The first two appointments of each doctor today have arrived, and two walk-ins wait.
	for (const doctor of doctors) {
		for (const appointment of booked.filter((b) => b.doctorId === doctor.userId).slice(0, 2)) {
			await checkInPatient(db, admin, { appointmentId: appointment.id, idempotencyKey: `demo-checkin-${appointment.id}` }).catch(() => undefined);
		}
	}
	for (const patientId of records.slice(-2)) {
		await checkInPatient(db, admin, { patientId, idempotencyKey: `demo-walkin-${patientId}` });
	}
	// The first doctor is seeing somebody already, so the queue and the waiting room show a called token.
	const [first] = doctors;
	if (first) {
		const doctor = { clinicId, actor: { userId: first.userId, role: 'doctor' as const } };
		await callNext(db, doctor, { doctorId: first.userId, idempotencyKey: `demo-call-${first.userId}` }).catch(() => undefined);
	}
	return (await createDisplayKey(db, admin, { name: 'Waiting room' })).key;
}

async function addStaff(db: Db, ctx: ClinicContext, timezone: string, people: Person[]): Promise<Staff[]> {
	const added: Staff[] = [];
	for (const person of people) {
		const member = await addMember(db, ctx, { name: person.name, email: person.email, role: person.role, password: PASSWORD });
		added.push({ userId: member.userId, person });
		if (person.doctor) {
			await updateDoctorProfile(db, ctx, member.userId, {
				specialization: person.doctor.specialization,
				registrationNumber: person.doctor.registrationNumber,
				consultationFee: person.doctor.fee,
				listing: 'public'
			});
		}
		await setStaffDuty(db, ctx, { userId: member.userId, day: localDay(timezone), onDuty: person.role !== 'pharmacist' || people.indexOf(person) % 2 === 0 });
	}
	return added;
}

async function main() {
	const database = await getDatabase();
	const { db } = database;
	if (await isSetupDone(db)) {
		console.error('npm run demo fills an empty installation, and this one is already set up. Use a new DATA_DIR (or database) for the demo.');
		process.exit(1);
	}
	const lahore = await setupInstallation(db, {
		clinic: { name: 'Shifa Family Clinic', code: 'LHR01', country: 'PK', state: 'Punjab', city: 'Lahore', timezone: 'Asia/Karachi', currency: 'PKR' },
		admin: { name: 'Amina Rauf', email: 'admin@demo.tabeeb', password: PASSWORD }
	});
	const adminId = lahore.admin.id;
	const lahoreTeam = await addStaff(db, { clinicId: lahore.clinic.id, actor: { userId: adminId, role: 'admin' } }, 'Asia/Karachi', lahoreStaff);

	const kathmandu = await createClinic(db, adminId, {
		name: 'Himalaya Care Centre',
		code: 'KTM01',
		country: 'NP',
		state: 'Bagmati',
		city: 'Kathmandu',
		timezone: 'Asia/Kathmandu',
		currency: 'NPR'
	});
	const kathmanduTeam = await addStaff(db, { clinicId: kathmandu.id, actor: { userId: adminId, role: 'admin' } }, 'Asia/Kathmandu', kathmanduStaff);

	const passwordHash = await hashPassword(PASSWORD);
	const patients = Array.from({ length: 300 }, (_, i) => {
		const name = `${given[i % given.length]} ${family[(i * 7) % family.length]}`;
		return { name, email: `patient${String(i + 1).padStart(3, '0')}@demo.tabeeb`, passwordHash, kind: 'patient' as const, locale: i % 3 === 0 ? 'ur' : 'en' };
	});
	const accounts = await db.insert(appUser).values(patients).returning({ id: appUser.id, name: appUser.name });
	const doctorsOf = (team: Staff[]) => team.filter((t) => t.person.role === 'doctor');
	const lahoreKey = await fillClinicDay(db, lahore.clinic.id, 'Asia/Karachi', adminId, doctorsOf(lahoreTeam), accounts, 0);
	const kathmanduKey = await fillClinicDay(db, kathmandu.id, 'Asia/Kathmandu', adminId, doctorsOf(kathmanduTeam), accounts, 10);
	const [{ count }] = await database.query<{ count: string }>(`SELECT count(*) FROM app_user WHERE kind = 'patient'`);
	// The address the server will answer on when started with the same environment.
	const origin = (process.env.ORIGIN || `http://localhost:${process.env.PORT || 3000}`).replace(/\/$/, '');

	console.log(`
Tabeeb demo is ready (${database.driver === 'pglite' ? 'embedded database' : 'PostgreSQL'}). Every account's password: ${PASSWORD}

  Shifa Family Clinic (LHR01, Lahore)      Himalaya Care Centre (KTM01, Kathmandu)
  admin       admin@demo.tabeeb (both)     admin       anil@demo.tabeeb
  doctors     ayesha@, bilal@, rajesh@     doctors     sita@, rajesh@ (works in both)
  reception   sana@, usman@                reception   pooja@
  pharmacist  hina@                        pharmacist  bikash@
  (all @demo.tabeeb)

  ${count} patient accounts: patient001@demo.tabeeb … patient300@demo.tabeeb
  (patient001–010 are linked to records at Shifa, patient011–020 at Himalaya)

  Each clinic has 60 patient records, doctors' weekly hours, appointments today and on the next
  working day (the clinics are open every day), a few patients waiting and one with a doctor.
  Waiting-room screens:
    ${origin}/kiosk/${lahoreKey}
    ${origin}/kiosk/${kathmanduKey}

Start Tabeeb with npm start and sign in at ${origin}/login`);
	// With REDIS_URL, publishing clinic changes and counting link-code attempts each opened a
	// connection that would keep the script alive: the services close them and the database.
	await closeServices();
}

main().catch((e) => {
	console.error(e instanceof EnvError ? e.message : `The demo could not be created: ${e instanceof Error ? e.message : String(e)}`);
	process.exit(1);
});
