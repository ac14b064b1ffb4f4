import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { testDatabase } from '../db';
import { clinicCode, makeClinic, makeMember, makeUser } from '../factories';
import { appUser, auditLog, clinic as clinicTable, doctorProfile, membership, type Role } from '../../src/lib/server/db/schema';
import type { Db } from '../../src/lib/server/db';
import type { ClinicContext } from '../../src/lib/server/tenancy/context';
import { updateDoctorProfile } from '../../src/lib/server/tenancy/updateDoctorProfile';
import { currencyOf } from '../../src/lib/server/tenancy/money';
import { doctorProfileFromForm } from '../../src/lib/server/tenancy/doctorProfileForm';
import { updateClinicSettings } from '../../src/lib/server/tenancy/updateClinicSettings';
import { createClinic } from '../../src/lib/server/tenancy/createClinic';
import { activeMemberships, clinicMembership, findClinicByCode, findMember } from '../../src/lib/server/tenancy/queries';
import { can } from '../../src/lib/server/tenancy/policy';

let db: Db;
beforeAll(async () => {
	db = (await testDatabase()).db;
});

const ctxOf = (clinicId: string, userId: string, role: Role | null): ClinicContext => ({ clinicId, actor: { userId, role } });
/** Clinics whose code is among these; counting all clinics would race with other test files on a shared database. */
const clinicsWithCode = async (...codes: string[]) =>
	(
		await db
			.select({ code: clinicTable.code })
			.from(clinicTable)
			.where(
				inArray(
					clinicTable.code,
					codes.map((c) => c.toUpperCase())
				)
			)
	).length;
const profileOf = async (clinicId: string, userId: string) =>
	(
		await db
			.select()
			.from(doctorProfile)
			.where(and(eq(doctorProfile.clinicId, clinicId), eq(doctorProfile.userId, userId)))
	)[0] ?? null;

async function clinicWithDoctor(currency = 'PKR') {
	const clinic = await makeClinic(db, { currency });
	const admin = await makeMember(db, clinic.id, 'admin');
	const doctor = await makeMember(db, clinic.id, 'doctor');
	return { clinic, admin, doctor, adminCtx: ctxOf(clinic.id, admin.id, 'admin'), doctorCtx: ctxOf(clinic.id, doctor.id, 'doctor') };
}

describe('doctor profiles', () => {
	it('an admin sets one and a doctor edits their own, each with an audit row', async () => {
		const { clinic, doctor, adminCtx, doctorCtx } = await clinicWithDoctor();
		await updateDoctorProfile(db, adminCtx, doctor.id, { specialization: 'Family medicine', registrationNumber: 'PMDC-12345', consultationFee: 1500 });
		expect(await findMember(db, clinic.id, doctor.id)).toMatchObject({ specialization: 'Family medicine', consultationFee: 1500, listing: 'public' });
		await updateDoctorProfile(db, doctorCtx, doctor.id, { specialization: 'Paediatrics', consultationFee: 2000, listing: 'private' });
		expect(await profileOf(clinic.id, doctor.id)).toMatchObject({
			specialization: 'Paediatrics',
			registrationNumber: '',
			consultationFee: 2000,
			listing: 'private'
		});
		const audit = await db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.clinicId, clinic.id), eq(auditLog.action, 'doctor.profile')));
		expect(audit.map((a) => a.actorUserId).sort()).toEqual([adminCtx.actor.userId, doctor.id].sort());
	});

	it("no one else may edit a doctor's profile", async () => {
		const { clinic, doctor } = await clinicWithDoctor();
		const otherDoctor = await makeMember(db, clinic.id, 'doctor');
		const reception = await makeMember(db, clinic.id, 'reception');
		const input = { specialization: 'Quackery', consultationFee: 1 };
		await expect(updateDoctorProfile(db, ctxOf(clinic.id, otherDoctor.id, 'doctor'), doctor.id, input)).rejects.toMatchObject({ code: 'forbidden' });
		await expect(updateDoctorProfile(db, ctxOf(clinic.id, reception.id, 'reception'), doctor.id, input)).rejects.toMatchObject({ code: 'forbidden' });
		const other = await clinicWithDoctor();
		await expect(updateDoctorProfile(db, other.adminCtx, doctor.id, input)).rejects.toMatchObject({ code: 'not_found' });
		expect(await profileOf(clinic.id, doctor.id)).toBeNull();
	});

	it('exists only for doctors', async () => {
		const { clinic, adminCtx } = await clinicWithDoctor();
		const pharmacist = await makeMember(db, clinic.id, 'pharmacist');
		await expect(updateDoctorProfile(db, adminCtx, pharmacist.id, { consultationFee: 10 })).rejects.toMatchObject({ code: 'not_found' });
	});

	it('refuses negative, huge, fractional and non-numeric fees and changes nothing', async () => {
		const { clinic, doctor, adminCtx } = await clinicWithDoctor();
		await updateDoctorProfile(db, adminCtx, doctor.id, { consultationFee: 1000 });
		for (const fee of [-1, 100_000_001, 2 ** 31, 10.5, Number.NaN, Infinity, '1500', '1e3', null, true]) {
			await expect(updateDoctorProfile(db, adminCtx, doctor.id, { consultationFee: fee }), String(fee)).rejects.toMatchObject({
				field: 'consultationFee',
				status: 400
			});
		}
		expect((await profileOf(clinic.id, doctor.id))?.consultationFee).toBe(1000);
	});

	it('keeps markup and SQL in text fields as plain text, and refuses control characters and overlong text', async () => {
		const { clinic, doctor, adminCtx } = await clinicWithDoctor();
		const specialization = `<script>alert('x')</script>`;
		const registrationNumber = `1'; DROP TABLE doctor_profile; --`;
		await updateDoctorProfile(db, adminCtx, doctor.id, { specialization, registrationNumber });
		expect(await profileOf(clinic.id, doctor.id)).toMatchObject({ specialization, registrationNumber });
		const cases: [Record<string, unknown>, string, string][] = [
			[{ specialization: 'Bad\u0000text' }, 'specialization', 'field_invalid'],
			[{ specialization: 'x'.repeat(121) }, 'specialization', 'field_too_long'],
			[{ registrationNumber: 'x'.repeat(61) }, 'registrationNumber', 'field_too_long'],
			[{ listing: 'everyone' }, 'listing', 'field_invalid']
		];
		for (const [input, field, code] of cases) {
			await expect(updateDoctorProfile(db, adminCtx, doctor.id, input)).rejects.toMatchObject({ field, code });
		}
		expect(await profileOf(clinic.id, doctor.id)).toMatchObject({ specialization, registrationNumber });
	});

	it("takes the fee form in the clinic currency's major units", async () => {
		const kwd = await clinicWithDoctor('KWD');
		await updateDoctorProfile(db, kwd.adminCtx, kwd.doctor.id, doctorProfileFromForm({ consultationFee: '12.345', listing: 'public' }, currencyOf(kwd.clinic)));
		expect((await profileOf(kwd.clinic.id, kwd.doctor.id))?.consultationFee).toBe(12345);
		const jpy = await clinicWithDoctor('JPY');
		await updateDoctorProfile(db, jpy.adminCtx, jpy.doctor.id, doctorProfileFromForm({ consultationFee: '3000' }, currencyOf(jpy.clinic)));
		expect((await profileOf(jpy.clinic.id, jpy.doctor.id))?.consultationFee).toBe(3000);
		expect(() => doctorProfileFromForm({ consultationFee: '30.5' }, currencyOf(jpy.clinic))).toThrow(
			expect.objectContaining({ code: 'field_invalid', field: 'consultationFee' })
		);
		expect(() => doctorProfileFromForm({ consultationFee: '-30' }, currencyOf(kwd.clinic))).toThrow(expect.objectContaining({ field: 'consultationFee' }));
	});
});

describe('clinic settings', () => {
	it('an admin renames the clinic and sets its colour and tagline; blank values clear them', async () => {
		const { clinic, adminCtx } = await clinicWithDoctor();
		await updateClinicSettings(db, adminCtx, { name: ' Shifa North ', color: '#AA3377', tagline: 'Care close to home', require2fa: false });
		expect(await findClinicByCode(db, clinic.code)).toMatchObject({ name: 'Shifa North', branding: { color: '#aa3377', tagline: 'Care close to home' } });
		await updateClinicSettings(db, adminCtx, { name: 'Shifa North', tagline: '', require2fa: false });
		expect((await findClinicByCode(db, clinic.code))?.branding).toEqual({});
		const audit = await db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.clinicId, clinic.id), eq(auditLog.action, 'clinic.settings')));
		expect(audit).toHaveLength(2);
	});

	it('sets how close to expiry the pharmacy stops dispensing a batch, and keeps it when the form leaves it out', async () => {
		const { clinic, adminCtx } = await clinicWithDoctor();
		expect(await findClinicByCode(db, clinic.code)).toMatchObject({ nearExpiryDays: 30 });
		await updateClinicSettings(db, adminCtx, { name: clinic.name, require2fa: false, nearExpiryDays: '60' });
		expect(await findClinicByCode(db, clinic.code)).toMatchObject({ nearExpiryDays: 60 });
		await updateClinicSettings(db, adminCtx, { name: clinic.name, require2fa: false });
		expect(await findClinicByCode(db, clinic.code)).toMatchObject({ nearExpiryDays: 60 });
	});

	it('sets the month the fiscal year starts and the tax number invoices print; left out keeps them, empty clears the number', async () => {
		const { clinic, adminCtx } = await clinicWithDoctor();
		expect(await findClinicByCode(db, clinic.code)).toMatchObject({ fiscalYearStartMonth: 1, taxNumber: '' });
		await updateClinicSettings(db, adminCtx, { name: clinic.name, require2fa: false, fiscalYearStartMonth: '7', taxNumber: ' NTN 1234567-8 ' });
		expect(await findClinicByCode(db, clinic.code)).toMatchObject({ fiscalYearStartMonth: 7, taxNumber: 'NTN 1234567-8' });
		await updateClinicSettings(db, adminCtx, { name: clinic.name, require2fa: false });
		expect(await findClinicByCode(db, clinic.code)).toMatchObject({ fiscalYearStartMonth: 7, taxNumber: 'NTN 1234567-8' });
		await updateClinicSettings(db, adminCtx, { name: clinic.name, require2fa: false, taxNumber: '' });
		expect(await findClinicByCode(db, clinic.code)).toMatchObject({ fiscalYearStartMonth: 7, taxNumber: '' });
	});

	it('refuses bad input and non-admins, changing nothing', async () => {
		const { clinic, adminCtx, doctorCtx } = await clinicWithDoctor();
		const ok = { name: 'Fine', color: '#112233', tagline: 'x', require2fa: false };
		const cases: [Record<string, unknown>, string, string][] = [
			[{ ...ok, name: '' }, 'name', 'field_required'],
			[{ ...ok, color: 'red' }, 'color', 'field_invalid'],
			[{ ...ok, color: '#12345g' }, 'color', 'field_invalid'],
			[{ ...ok, color: 'url(javascript:alert(1))' }, 'color', 'field_invalid'],
			[{ ...ok, tagline: 'x'.repeat(161) }, 'tagline', 'field_too_long'],
			[{ ...ok, require2fa: 'yes' }, 'require2fa', 'field_invalid'],
			[{ ...ok, nearExpiryDays: -1 }, 'nearExpiryDays', 'field_too_small'],
			[{ ...ok, nearExpiryDays: 366 }, 'nearExpiryDays', 'field_too_large'],
			[{ ...ok, nearExpiryDays: 'soon' }, 'nearExpiryDays', 'field_invalid'],
			[{ ...ok, fiscalYearStartMonth: 13 }, 'fiscalYearStartMonth', 'field_too_large'],
			[{ ...ok, fiscalYearStartMonth: '0' }, 'fiscalYearStartMonth', 'field_too_small'],
			[{ ...ok, taxNumber: 'x'.repeat(41) }, 'taxNumber', 'field_too_long']
		];
		for (const [input, field, code] of cases) {
			await expect(updateClinicSettings(db, adminCtx, input), JSON.stringify(input)).rejects.toMatchObject({ field, code });
		}
		await expect(updateClinicSettings(db, doctorCtx, ok)).rejects.toMatchObject({ code: 'forbidden', status: 403 });
		expect(await findClinicByCode(db, clinic.code)).toMatchObject({ name: clinic.name, branding: {}, fiscalYearStartMonth: 1, taxNumber: '' });
	});

	it('requires two-factor for all staff only once the admin has it themselves', async () => {
		const { clinic, admin, adminCtx } = await clinicWithDoctor();
		const input = { name: clinic.name, require2fa: true };
		await expect(updateClinicSettings(db, adminCtx, input)).rejects.toMatchObject({ code: 'own_two_factor_required', field: 'require2fa' });
		expect((await findClinicByCode(db, clinic.code))?.require2fa).toBe(false);
		await db.update(appUser).set({ totpKey: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }).where(eq(appUser.id, admin.id));
		await updateClinicSettings(db, adminCtx, input);
		expect((await findClinicByCode(db, clinic.code))?.require2fa).toBe(true);
	});
});

describe('branches', () => {
	const branchInput = () => ({
		name: 'Shifa Gulberg',
		code: clinicCode(),
		country: 'pk',
		state: 'Punjab',
		city: 'Lahore',
		timezone: 'Asia/Karachi',
		currency: 'pkr'
	});

	it('an admin creates one under the clinic they work in and becomes its admin', async () => {
		const { clinic, admin } = await clinicWithDoctor();
		const first = await makeClinic(db);
		await db.insert(membership).values({ clinicId: first.id, userId: admin.id, role: 'admin' });
		const input = branchInput();
		const created = await createClinic(db, admin.id, { ...input, code: input.code.toLowerCase() }, { fromClinicId: clinic.id });
		expect(created).toMatchObject({ code: input.code, country: 'PK', currency: 'PKR', parentClinicId: clinic.id });
		expect(await clinicMembership(db, admin.id, { code: input.code })).toMatchObject({ role: 'admin' });
		expect((await activeMemberships(db, admin.id)).map((m) => m.clinicCode)).toContain(input.code);
		const [audit] = await db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.clinicId, created.id), eq(auditLog.action, 'clinic.create')));
		expect(audit.actorUserId).toBe(admin.id);
	});

	it('only an admin of some clinic may create one', async () => {
		const { doctor } = await clinicWithDoctor();
		const nobody = await makeUser(db);
		const patient = await makeUser(db, { kind: 'patient' });
		const other = await clinicWithDoctor();
		const input = branchInput();
		for (const userId of [doctor.id, nobody.id, patient.id]) {
			await expect(createClinic(db, userId, input)).rejects.toMatchObject({ code: 'forbidden', status: 403 });
		}
		// Naming a clinic one does not administer does not help.
		await expect(createClinic(db, doctor.id, input, { fromClinicId: other.clinic.id })).rejects.toMatchObject({ code: 'forbidden' });
		expect(await clinicsWithCode(input.code)).toBe(0);
	});

	it('refuses a code already in use, whatever its case', async () => {
		const { clinic, admin } = await clinicWithDoctor();
		await expect(createClinic(db, admin.id, { ...branchInput(), name: 'Copycat', code: clinic.code.toLowerCase() })).rejects.toMatchObject({
			code: 'clinic_code_taken',
			status: 409,
			field: 'code'
		});
		expect(await findClinicByCode(db, clinic.code)).toMatchObject({ id: clinic.id, name: clinic.name });
		expect((await activeMemberships(db, admin.id)).map((m) => m.clinicCode)).toEqual([clinic.code]);
	});

	it('refuses bad input with the offending field and creates nothing', async () => {
		const { admin } = await clinicWithDoctor();
		const cases: [Record<string, unknown>, string, string][] = [
			[{ code: 'AB' }, 'code', 'field_too_short'],
			[{ code: 'ABC-01' }, 'code', 'field_invalid'],
			[{ code: "A'1;--" }, 'code', 'field_invalid'],
			[{ name: '' }, 'name', 'field_required'],
			[{ city: '' }, 'city', 'field_required'],
			[{ country: 'Pakistan' }, 'country', 'field_invalid'],
			[{ timezone: 'Mars/Olympus' }, 'timezone', 'field_invalid'],
			[{ currency: 'ZZZ' }, 'currency', 'field_invalid']
		];
		for (const [override, field, code] of cases) {
			await expect(createClinic(db, admin.id, { ...branchInput(), ...override }), JSON.stringify(override)).rejects.toMatchObject({ field, code });
		}
		expect(await activeMemberships(db, admin.id)).toHaveLength(1);
	});
});

describe('policy', () => {
	it('gives admin screens to admins and the staff list to every member', () => {
		const as = (role: Role | null) => ({ userId: 'u1', role });
		for (const role of ['admin', 'doctor', 'reception', 'pharmacist'] as const) {
			expect(can(as(role), 'members.view')).toBe(true);
			expect(can(as(role), 'members.manage')).toBe(role === 'admin');
			expect(can(as(role), 'clinic.manage')).toBe(role === 'admin');
			expect(can(as(role), 'branch.create')).toBe(role === 'admin');
		}
		expect(can(as(null), 'members.view')).toBe(false);
		expect(can(as('doctor'), 'doctorProfile.edit', 'u1')).toBe(true);
		expect(can(as('doctor'), 'doctorProfile.edit', 'u2')).toBe(false);
		expect(can(as('reception'), 'doctorProfile.edit', 'u1')).toBe(false);
	});
});
