import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCRIPT_INJECTION, SQL_INJECTION, expectError, signedIn, startApp, type ApiClient, type App } from './http';
import { PASSWORD, makeClinic, makeMember, rand } from '../factories';
import { meView } from '../../src/lib/server/openapi/auth';
import { addedMemberView, doctorProfileView, memberStateView, membersView, passwordResetView } from '../../src/lib/server/openapi/tenancy';

type Person = { id: string; email: string; name: string };
let app: App;
let clinicA: { id: string; code: string };
let clinicB: { id: string; code: string };
let adminA: Person, doctorA: Person, doctorA2: Person, receptionA: Person, adminB: Person, doctorB: Person;
let admin: ApiClient, doctor: ApiClient, reception: ApiClient, otherAdmin: ApiClient;

beforeAll(async () => {
	app = await startApp({
		seed: async (db) => {
			clinicA = await makeClinic(db);
			clinicB = await makeClinic(db);
			adminA = await makeMember(db, clinicA.id, 'admin');
			doctorA = await makeMember(db, clinicA.id, 'doctor');
			doctorA2 = await makeMember(db, clinicA.id, 'doctor');
			receptionA = await makeMember(db, clinicA.id, 'reception');
			adminB = await makeMember(db, clinicB.id, 'admin');
			doctorB = await makeMember(db, clinicB.id, 'doctor');
		}
	});
	[admin, doctor, reception, otherAdmin] = await Promise.all([adminA, doctorA, receptionA, adminB].map((p) => signedIn(app, p.email, PASSWORD)));
});
afterAll(async () => {
	await app?.stop();
});

const members = (code: string) => `/api/v1/clinics/${code}/members`;
const member = (code: string, userId: string) => `${members(code)}/${userId}`;
const profile = (code: string, userId: string) => `/api/v1/clinics/${code}/doctors/${userId}/profile`;

async function listOf(client: ApiClient, code: string) {
	const res = await client.get(members(code));
	expect(res.status).toBe(200);
	return membersView.parse(res.body).members;
}

describe('GET /api/v1/clinics/{code}/members', () => {
	it('lists the clinic’s staff to any of its members, and nobody else’s', async () => {
		const list = await listOf(doctor, clinicA.code);
		expect(list.map((m) => m.userId).sort()).toEqual([adminA.id, doctorA.id, doctorA2.id, receptionA.id].sort());
		expect(list.find((m) => m.userId === doctorA.id)).toMatchObject({ email: doctorA.email, name: doctorA.name, role: 'doctor', status: 'active' });
		expect(JSON.stringify(list)).not.toMatch(/password|totp/i);
	});

	it('takes the clinic code in any case', async () => {
		expect(await listOf(admin, clinicA.code.toLowerCase())).toHaveLength(4);
	});

	it('answers another clinic’s code exactly like an unknown one: 404 not_found', async () => {
		const other = await admin.get(members(clinicB.code));
		const unknown = await admin.get(members('ZZZ999'));
		expectError(other, 404, 'not_found');
		expectError(unknown, 404, 'not_found');
		expect(other.body).toEqual(unknown.body);
		expectError(await admin.get(members(encodeURIComponent(SQL_INJECTION))), 404, 'not_found');
		expectError(await admin.get(members(encodeURIComponent(SCRIPT_INJECTION))), 404, 'not_found');
	});

	it('answers 401 without a session', async () => {
		expectError(await app.client().get(members(clinicA.code)), 401, 'unauthenticated');
	});
});

describe('POST /api/v1/clinics/{code}/members', () => {
	it('adds a new person who can sign in at once', async () => {
		const email = `new-${rand()}@example.test`;
		const res = await admin.post(members(clinicA.code), { email, name: 'Nadia Nurse', role: 'reception', password: 'first password 1' });
		expect(res.status).toBe(201);
		const added = addedMemberView.parse(res.body);
		expect(added).toMatchObject({ email, name: 'Nadia Nurse', role: 'reception' });
		const newcomer = await signedIn(app, email, 'first password 1');
		expect(meView.parse((await newcomer.get('/api/v1/me')).body).memberships).toEqual([
			expect.objectContaining({ clinicId: clinicA.id, clinicCode: clinicA.code, role: 'reception' })
		]);
		expect((await listOf(admin, clinicA.code)).map((m) => m.userId)).toContain(added.userId);
	});

	it('invites a person given no password: listed as invited, a new link on request, and only admins may ask', async () => {
		const email = `invited-${rand()}@example.test`;
		const res = await admin.post(members(clinicA.code), { email, name: 'Imran Invited', role: 'doctor' });
		expect(res.status).toBe(201);
		const added = addedMemberView.parse(res.body);
		expect(added).toMatchObject({ email, invited: true, newAccount: true });
		expect((await listOf(admin, clinicA.code)).find((m) => m.userId === added.userId)).toMatchObject({ invited: true });
		const again = await admin.post(`${members(clinicA.code)}/${added.userId}/invitation`, {});
		expect(again.status).toBe(201);
		expect(Date.parse((again.body as { expiresAt: string }).expiresAt)).toBeGreaterThan(Date.now() + 6 * 86_400_000);
		expectError(await admin.post(`${members(clinicA.code)}/${crypto.randomUUID()}/invitation`, {}), 404, 'not_found');
	});

	it('stores markup and SQL in a name as typed and returns them unchanged', async () => {
		for (const name of [SCRIPT_INJECTION, SQL_INJECTION]) {
			const email = `inert-${rand()}@example.test`;
			const res = await admin.post(members(clinicA.code), { email, name, role: 'pharmacist', password: 'first password 1' });
			expect(addedMemberView.parse(res.body).name).toBe(name);
			expect((await listOf(admin, clinicA.code)).find((m) => m.email === email)?.name).toBe(name);
		}
	});

	it('accepts SQL as a password: it is only ever hashed, and only that exact text signs in', async () => {
		const email = `sqlpw-${rand()}@example.test`;
		expect((await admin.post(members(clinicA.code), { email, name: 'Sam', role: 'doctor', password: SQL_INJECTION })).status).toBe(201);
		expect((await app.client().post('/api/v1/auth/login', { email, password: SQL_INJECTION })).status).toBe(200);
		expectError(await app.client().post('/api/v1/auth/login', { email, password: "' OR 1=1 --" }), 401, 'invalid_credentials');
	});

	it('lets a doctor of another clinic join with their own account, but not have their password reset from here', async () => {
		const res = await admin.post(members(clinicA.code), { email: doctorB.email, name: 'Ignored', role: 'doctor' });
		expect(addedMemberView.parse(res.body)).toMatchObject({ userId: doctorB.id, name: doctorB.name, newAccount: false });
		const both = await signedIn(app, doctorB.email, PASSWORD);
		expect(
			meView
				.parse((await both.get('/api/v1/me')).body)
				.memberships.map((m) => m.clinicCode)
				.sort()
		).toEqual([clinicA.code, clinicB.code].sort());
		// Resetting it would take over their access at clinic B, which this admin does not run.
		expectError(await admin.post(`${member(clinicA.code, doctorB.id)}/password`, { password: 'taken over 123' }), 403, 'member_in_other_clinic');
		expect((await app.client().post('/api/v1/auth/login', { email: doctorB.email, password: PASSWORD })).status).toBe(200);
		expect((await admin.patch(member(clinicA.code, doctorB.id), { status: 'removed' })).status).toBe(200);
	});

	it('refuses an existing member with 409 already_member', async () => {
		const res = await admin.post(members(clinicA.code), { email: doctorA.email, name: 'Again', role: 'doctor', password: 'first password 1' });
		expectError(res, 409, 'already_member', 'email');
	});

	it.each([
		['no email', { name: 'N', role: 'doctor', password: 'first password 1' }, 'field_required', 'email'],
		['no name', { email: 'x@example.test', role: 'doctor', password: 'first password 1' }, 'field_required', 'name'],
		['no role', { email: 'x@example.test', name: 'N', password: 'first password 1' }, 'field_required', 'role'],
		['SQL as email', { email: SQL_INJECTION, name: 'N', role: 'doctor', password: 'first password 1' }, 'field_invalid', 'email'],
		['a script as email', { email: `${SCRIPT_INJECTION}@x.test`, name: 'N', role: 'doctor', password: 'first password 1' }, 'field_invalid', 'email'],
		['SQL as role', { email: 'x@example.test', name: 'N', role: SQL_INJECTION, password: 'first password 1' }, 'field_invalid', 'role'],
		['a made-up role', { email: 'x@example.test', name: 'N', role: 'superuser', password: 'first password 1' }, 'field_invalid', 'role'],
		['a short password', { email: 'x@example.test', name: 'N', role: 'doctor', password: 'short' }, 'field_too_short', 'password'],
		['an oversized password', { email: 'x@example.test', name: 'N', role: 'doctor', password: 'p'.repeat(201) }, 'field_too_long', 'password'],
		['an oversized name', { email: 'x@example.test', name: 'n'.repeat(121), role: 'doctor', password: 'first password 1' }, 'field_too_long', 'name'],
		['an oversized email', { email: `${'e'.repeat(250)}@x.test`, name: 'N', role: 'doctor', password: 'first password 1' }, 'field_too_long', 'email'],
		['a number as name', { email: 'x@example.test', name: 7, role: 'doctor', password: 'first password 1' }, 'field_invalid', 'name'],
		['an array as email', { email: ['x@example.test'], name: 'N', role: 'doctor', password: 'first password 1' }, 'field_invalid', 'email'],
		['control characters in a name', { email: 'x@example.test', name: 'A\u0000B', role: 'doctor', password: 'first password 1' }, 'field_invalid', 'name']
	])('refuses %s with 400 and adds nobody', async (_case, body, code, field) => {
		const before = await listOf(admin, clinicA.code);
		expectError(await admin.post(members(clinicA.code), body), 400, code, field);
		expect(await listOf(admin, clinicA.code)).toEqual(before);
	});

	it('refuses a doctor and a receptionist with 403, and another clinic’s admin with 404; nothing changes', async () => {
		const before = await listOf(admin, clinicA.code);
		const body = { email: `x-${rand()}@example.test`, name: 'Intruder', role: 'admin', password: 'first password 1' };
		expectError(await doctor.post(members(clinicA.code), body), 403, 'forbidden');
		expectError(await reception.post(members(clinicA.code), body), 403, 'forbidden');
		expectError(await otherAdmin.post(members(clinicA.code), body), 404, 'not_found');
		expectError(await app.client().post(members(clinicA.code), body), 401, 'unauthenticated');
		expect(await listOf(admin, clinicA.code)).toEqual(before);
		expectError(await app.client().post('/api/v1/auth/login', { email: body.email, password: body.password }), 401, 'invalid_credentials');
	});
});

describe('PATCH /api/v1/clinics/{code}/members/{userId}', () => {
	it('changes a role, then a status, and the list shows it', async () => {
		const email = `patch-${rand()}@example.test`;
		const { userId } = addedMemberView.parse(
			(await admin.post(members(clinicA.code), { email, name: 'Pat', role: 'doctor', password: 'first password 1' })).body
		);
		const role = await admin.patch(member(clinicA.code, userId), { role: 'pharmacist' });
		expect(memberStateView.parse(role.body)).toEqual({ userId, role: 'pharmacist', status: 'active' });
		const status = await admin.patch(member(clinicA.code, userId), { status: 'suspended' });
		expect(memberStateView.parse(status.body)).toEqual({ userId, role: 'pharmacist', status: 'suspended' });
		expect((await listOf(admin, clinicA.code)).find((m) => m.userId === userId)).toMatchObject({ role: 'pharmacist', status: 'suspended' });
		// A suspended member signs in but no longer sees the clinic.
		const suspended = await signedIn(app, email, 'first password 1');
		expect(meView.parse((await suspended.get('/api/v1/me')).body).memberships).toEqual([]);
		expectError(await suspended.get(members(clinicA.code)), 404, 'not_found');

		const both = await admin.patch(member(clinicA.code, userId), { role: 'reception', status: 'active' });
		expect(memberStateView.parse(both.body)).toEqual({ userId, role: 'reception', status: 'active' });
		expect((await admin.patch(member(clinicA.code, userId), { status: 'removed' })).status).toBe(200);
		expect((await listOf(admin, clinicA.code)).map((m) => m.userId)).not.toContain(userId);
	});

	it('keeps the last admin: demoting or suspending them answers 409 last_admin and changes nothing', async () => {
		const before = await listOf(admin, clinicA.code);
		expectError(await admin.patch(member(clinicA.code, adminA.id), { role: 'doctor' }), 409, 'last_admin');
		expectError(await admin.patch(member(clinicA.code, adminA.id), { role: 'doctor', status: 'suspended' }), 409, 'last_admin');
		expectError(await admin.patch(member(clinicA.code, adminA.id), { status: 'suspended' }), 409, 'last_admin');
		expect(await listOf(admin, clinicA.code)).toEqual(before);
	});

	it.each([
		['an empty body', {}, 'field_required', 'role'],
		['a made-up role', { role: 'owner' }, 'field_invalid', 'role'],
		['SQL as role', { role: SQL_INJECTION }, 'field_invalid', 'role'],
		['a script as status', { status: SCRIPT_INJECTION }, 'field_invalid', 'status'],
		['a number as status', { status: 1 }, 'field_invalid', 'status'],
		['an array body', [{ role: 'admin' }], 'field_invalid', undefined]
	])('refuses %s with 400 and changes nothing', async (_case, body, code, field) => {
		const before = await listOf(admin, clinicA.code);
		expectError(await admin.patch(member(clinicA.code, doctorA2.id), body), 400, code, field);
		expect(await listOf(admin, clinicA.code)).toEqual(before);
	});

	it('answers 404 for ids that are not members here: another clinic’s, unknown, malformed', async () => {
		expectError(await admin.patch(member(clinicA.code, doctorB.id), { role: 'admin' }), 404, 'not_found');
		expectError(await admin.patch(member(clinicA.code, '00000000-0000-4000-8000-000000000000'), { role: 'admin' }), 404, 'not_found');
		expectError(await admin.patch(member(clinicA.code, 'not-a-uuid'), { role: 'admin' }), 404, 'not_found');
		expectError(await admin.patch(member(clinicA.code, encodeURIComponent(SQL_INJECTION)), { role: 'admin' }), 404, 'not_found');
		expectError(await admin.patch(member(clinicB.code, doctorB.id), { role: 'admin' }), 404, 'not_found');
		expect((await listOf(otherAdmin, clinicB.code)).find((m) => m.userId === doctorB.id)?.role).toBe('doctor');
	});

	it('refuses non-admins with 403', async () => {
		expectError(await doctor.patch(member(clinicA.code, doctorA2.id), { role: 'admin' }), 403, 'forbidden');
		expectError(await doctor.patch(member(clinicA.code, doctorA.id), { role: 'admin' }), 403, 'forbidden');
		expectError(await reception.patch(member(clinicA.code, doctorA2.id), { status: 'removed' }), 403, 'forbidden');
		expect((await listOf(admin, clinicA.code)).find((m) => m.userId === doctorA.id)?.role).toBe('doctor');
	});
});

describe('POST /api/v1/clinics/{code}/members/{userId}/password', () => {
	it('sets a new password, ends the member’s sessions, and only the new password signs in', async () => {
		const email = `reset-${rand()}@example.test`;
		const { userId } = addedMemberView.parse(
			(await admin.post(members(clinicA.code), { email, name: 'Rita', role: 'doctor', password: 'first password 1' })).body
		);
		const session = await signedIn(app, email, 'first password 1');
		const res = await admin.post(`${member(clinicA.code, userId)}/password`, { password: 'second password 2' });
		expect(passwordResetView.parse(res.body)).toEqual({ userId });
		expectError(await session.get('/api/v1/me'), 401, 'unauthenticated');
		expectError(await app.client().post('/api/v1/auth/login', { email, password: 'first password 1' }), 401, 'invalid_credentials');
		expect((await app.client().post('/api/v1/auth/login', { email, password: 'second password 2' })).status).toBe(200);
	});

	it.each([
		['no password', {}, 'field_required'],
		['a short password', { password: 'short' }, 'field_too_short'],
		['an oversized password', { password: 'p'.repeat(201) }, 'field_too_long'],
		['a number', { password: 12345678901 }, 'field_invalid']
	])('refuses %s with 400; the old password still works', async (_case, body, code) => {
		expectError(await admin.post(`${member(clinicA.code, doctorA2.id)}/password`, body), 400, code, 'password');
		expect((await app.client().post('/api/v1/auth/login', { email: doctorA2.email, password: PASSWORD })).status).toBe(200);
	});

	it('refuses non-admins (403) and other clinics (404); the password is unchanged', async () => {
		const path = `${member(clinicA.code, doctorA2.id)}/password`;
		expectError(await doctor.post(path, { password: 'taken over 123' }), 403, 'forbidden');
		expectError(await otherAdmin.post(path, { password: 'taken over 123' }), 404, 'not_found');
		expectError(await admin.post(`${member(clinicA.code, doctorB.id)}/password`, { password: 'taken over 123' }), 404, 'not_found');
		expectError(await app.client().post(path, { password: 'taken over 123' }), 401, 'unauthenticated');
		expect((await app.client().post('/api/v1/auth/login', { email: doctorA2.email, password: PASSWORD })).status).toBe(200);
		expect((await app.client().post('/api/v1/auth/login', { email: doctorB.email, password: PASSWORD })).status).toBe(200);
	});
});

describe('PUT /api/v1/clinics/{code}/doctors/{userId}/profile', () => {
	const profileOf = async (userId: string) => (await listOf(admin, clinicA.code)).find((m) => m.userId === userId);

	it('saves a profile; free text is stored as typed, markup and SQL included, and listed unchanged', async () => {
		const body = { specialization: SCRIPT_INJECTION, registrationNumber: SQL_INJECTION, consultationFee: 150_000, listing: 'private' };
		const res = await admin.put(profile(clinicA.code, doctorA.id), body);
		expect(doctorProfileView.parse(res.body)).toEqual({ userId: doctorA.id, ...body });
		expect(await profileOf(doctorA.id)).toMatchObject(body);
	});

	it('lets a doctor edit their own profile but not a colleague’s; reception may not', async () => {
		const own = await doctor.put(profile(clinicA.code, doctorA.id), { specialization: 'Family medicine' });
		expect(doctorProfileView.parse(own.body)).toEqual({
			userId: doctorA.id,
			specialization: 'Family medicine',
			registrationNumber: '',
			consultationFee: 0,
			listing: 'public'
		});
		expectError(await doctor.put(profile(clinicA.code, doctorA2.id), { specialization: 'Hijacked' }), 403, 'forbidden');
		expectError(await reception.put(profile(clinicA.code, doctorA2.id), { specialization: 'Hijacked' }), 403, 'forbidden');
		expect((await profileOf(doctorA2.id))?.specialization).toBeNull();
	});

	it('answers 404 for someone who is not a doctor here, another clinic’s doctor, and another clinic', async () => {
		expectError(await admin.put(profile(clinicA.code, receptionA.id), {}), 404, 'not_found');
		expectError(await admin.put(profile(clinicA.code, doctorB.id), {}), 404, 'not_found');
		expectError(await admin.put(profile(clinicB.code, doctorB.id), {}), 404, 'not_found');
		expectError(await admin.put(profile(clinicA.code, 'nope'), {}), 404, 'not_found');
	});

	it.each([
		['a fee in words', { consultationFee: 'abc' }, 'field_invalid', 'consultationFee'],
		['a negative fee', { consultationFee: -1 }, 'field_too_small', 'consultationFee'],
		['a fractional fee', { consultationFee: 1.5 }, 'field_invalid', 'consultationFee'],
		['a huge fee', { consultationFee: 1e12 }, 'field_too_large', 'consultationFee'],
		['SQL as a fee', { consultationFee: SQL_INJECTION }, 'field_invalid', 'consultationFee'],
		['a made-up listing', { listing: 'everyone' }, 'field_invalid', 'listing'],
		['an oversized specialization', { specialization: 's'.repeat(121) }, 'field_too_long', 'specialization'],
		['an oversized registration number', { registrationNumber: 'r'.repeat(61) }, 'field_too_long', 'registrationNumber'],
		['an object as specialization', { specialization: { $gt: '' } }, 'field_invalid', 'specialization']
	])('refuses %s with 400 and keeps the profile', async (_case, body, code, field) => {
		const before = await profileOf(doctorA.id);
		expectError(await admin.put(profile(clinicA.code, doctorA.id), body), 400, code, field);
		expect(await profileOf(doctorA.id)).toEqual(before);
	});
});
