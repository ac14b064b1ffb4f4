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
import { addMember, type ClinicContext } from '../src/lib/server/tenancy/members';
import { updateDoctorProfile } from '../src/lib/server/tenancy/updateDoctorProfile';
import { setStaffDuty } from '../src/lib/server/tenancy/setStaffDuty';
import { isSetupDone } from '../src/lib/server/tenancy/queries';
import type { Role } from '../src/lib/server/db/schema';
import { closeChangePublisher } from '../src/lib/server/sync/publish';

const PASSWORD = 'tabeeb-demo-2026';

type Person = { name: string; email: string; role: Role; doctor?: { specialization: string; registrationNumber: string; fee: number } };

const lahoreStaff: Person[] = [
	{ name: 'Dr. Ayesha Siddiqui', email: 'ayesha@demo.tabeeb', role: 'doctor', doctor: { specialization: 'Family medicine', registrationNumber: 'PMDC-45812-P', fee: 2000_00 } },
	{ name: 'Dr. Bilal Ahmed', email: 'bilal@demo.tabeeb', role: 'doctor', doctor: { specialization: 'Paediatrics', registrationNumber: 'PMDC-39127-P', fee: 2500_00 } },
	{ name: 'Dr. Rajesh Shrestha', email: 'rajesh@demo.tabeeb', role: 'doctor', doctor: { specialization: 'Cardiology', registrationNumber: 'PMDC-50211-P', fee: 4000_00 } },
	{ name: 'Sana Malik', email: 'sana@demo.tabeeb', role: 'reception' },
	{ name: 'Usman Tariq', email: 'usman@demo.tabeeb', role: 'reception' },
	{ name: 'Hina Qureshi', email: 'hina@demo.tabeeb', role: 'pharmacist' }
];

const kathmanduStaff: Person[] = [
	{ name: 'Anil Karki', email: 'anil@demo.tabeeb', role: 'admin' },
	{ name: 'Dr. Sita Gurung', email: 'sita@demo.tabeeb', role: 'doctor', doctor: { specialization: 'Gynaecology', registrationNumber: 'NMC-18342', fee: 1500_00 } },
	{ name: 'Dr. Rajesh Shrestha', email: 'rajesh@demo.tabeeb', role: 'doctor', doctor: { specialization: 'Cardiology', registrationNumber: 'NMC-20917', fee: 2000_00 } },
	{ name: 'Pooja Thapa', email: 'pooja@demo.tabeeb', role: 'reception' },
	{ name: 'Bikash Rai', email: 'bikash@demo.tabeeb', role: 'pharmacist' }
];

const given = ['Muhammad', 'Fatima', 'Ali', 'Zainab', 'Hassan', 'Maryam', 'Omar', 'Khadija', 'Ahmed', 'Ayesha', 'Imran', 'Sadia', 'Kamran', 'Nadia', 'Farhan', 'Rabia', 'Asad', 'Mehwish', 'Tariq', 'Saima', 'Ram', 'Sita', 'Hari', 'Gita', 'Bishal', 'Anjali', 'Suman', 'Pramila', 'Dipesh', 'Sunita'];
const family = ['Khan', 'Ahmed', 'Hussain', 'Malik', 'Butt', 'Chaudhry', 'Sheikh', 'Iqbal', 'Raza', 'Mirza', 'Qureshi', 'Javed', 'Shrestha', 'Gurung', 'Tamang', 'Adhikari', 'Thapa', 'Karki', 'Rai', 'Magar'];

function localDay(timeZone: string): string {
	return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

async function addStaff(db: Awaited<ReturnType<typeof getDatabase>>['db'], ctx: ClinicContext, timezone: string, people: Person[]) {
	for (const person of people) {
		const added = await addMember(db, ctx, { name: person.name, email: person.email, role: person.role, password: PASSWORD });
		if (person.doctor) {
			await updateDoctorProfile(db, ctx, added.userId, {
				specialization: person.doctor.specialization,
				registrationNumber: person.doctor.registrationNumber,
				consultationFee: person.doctor.fee,
				listing: 'public'
			});
		}
		await setStaffDuty(db, ctx, { userId: added.userId, day: localDay(timezone), onDuty: person.role !== 'pharmacist' || people.indexOf(person) % 2 === 0 });
	}
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
	await addStaff(db, { clinicId: lahore.clinic.id, actor: { userId: adminId, role: 'admin' } }, 'Asia/Karachi', lahoreStaff);

	const kathmandu = await createClinic(db, adminId, {
		name: 'Himalaya Care Centre',
		code: 'KTM01',
		country: 'NP',
		state: 'Bagmati',
		city: 'Kathmandu',
		timezone: 'Asia/Kathmandu',
		currency: 'NPR'
	});
	await addStaff(db, { clinicId: kathmandu.id, actor: { userId: adminId, role: 'admin' } }, 'Asia/Kathmandu', kathmanduStaff);

	const passwordHash = await hashPassword(PASSWORD);
	const patients = Array.from({ length: 300 }, (_, i) => {
		const name = `${given[i % given.length]} ${family[(i * 7) % family.length]}`;
		return { name, email: `patient${String(i + 1).padStart(3, '0')}@demo.tabeeb`, passwordHash, kind: 'patient' as const, locale: i % 3 === 0 ? 'ur' : 'en' };
	});
	await db.insert(appUser).values(patients);
	const [{ count }] = await database.query<{ count: string }>(`SELECT count(*) FROM app_user WHERE kind = 'patient'`);

	console.log(`
Tabeeb demo is ready (${database.driver === 'pglite' ? 'embedded database' : 'PostgreSQL'}). Every account's password: ${PASSWORD}

  Shifa Family Clinic (LHR01, Lahore)      Himalaya Care Centre (KTM01, Kathmandu)
  admin       admin@demo.tabeeb (both)     admin       anil@demo.tabeeb
  doctors     ayesha@, bilal@, rajesh@     doctors     sita@, rajesh@ (works in both)
  reception   sana@, usman@                reception   pooja@
  pharmacist  hina@                        pharmacist  bikash@
  (all @demo.tabeeb)

  ${count} patients: patient001@demo.tabeeb … patient300@demo.tabeeb

Start Tabeeb with npm start and sign in at http://localhost:3000/login`);
	// Adding staff publishes clinic changes; with REDIS_URL that opened a connection that would keep the script alive.
	await closeChangePublisher();
	await database.close();
}

main().catch((e) => {
	console.error(e instanceof EnvError ? e.message : `The demo could not be created: ${e instanceof Error ? e.message : String(e)}`);
	process.exit(1);
});
