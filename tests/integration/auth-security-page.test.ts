import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { generateTOTP } from '@oslojs/otp';
import { decodeBase64 } from '@oslojs/encoding';
import { testDatabase } from '../db';
import { makeClinic, makeMember, makeUser } from '../factories';
import { appUser, membership } from '../../src/lib/server/db/schema';
import type { Db } from '../../src/lib/server/db';
import { beginTotpEnrolment, confirmTotpEnrolment } from '../../src/lib/server/auth/account';
import { createSession, generateSessionToken, validateSessionToken } from '../../src/lib/server/auth/session';
import { load } from '../../src/routes/(app)/account/security/+page.server';

let db: Db;
beforeAll(async () => {
	db = (await testDatabase()).db;
});

type LoadEvent = Parameters<typeof load>[0];

/** Runs the security page's load as the signed-in user would, with ?required= when given. */
async function securityPage(userId: string, required?: string) {
	const token = generateSessionToken();
	await createSession(db, token, userId, { twoFactorVerified: true });
	const { session, user } = await validateSessionToken(db, token);
	const url = new URL(`http://localhost/account/security${required === undefined ? '' : `?required=${encodeURIComponent(required)}`}`);
	// Only what the load reads; a full SvelteKit event is not needed to prove its decisions.
	const event = { locals: { session, user, locale: 'en' }, url } as unknown as LoadEvent;
	const data = await load(event);
	if (!data) throw new Error('no page data');
	return data;
}

describe('the account security page', () => {
	it('explains a clinic’s mandatory 2FA only to that clinic’s staff, and only when the clinic requires it', async () => {
		const strict = await makeClinic(db, { require2fa: true });
		const relaxed = await makeClinic(db);
		const other = await makeClinic(db, { require2fa: true });
		const doctor = await makeMember(db, strict.id, 'doctor');
		await db.insert(membership).values({ clinicId: relaxed.id, userId: doctor.id, role: 'doctor' });

		expect((await securityPage(doctor.id, strict.code)).required).toEqual({ code: strict.code, name: strict.name });
		expect((await securityPage(doctor.id, strict.code.toLowerCase())).required).toEqual({ code: strict.code, name: strict.name });
		expect((await securityPage(doctor.id, relaxed.code)).required).toBeNull();
		// Another clinic's name never shows, so the page cannot be used to probe clinic codes.
		expect((await securityPage(doctor.id, other.code)).required).toBeNull();
		for (const bad of ['', 'x', "SHF01' OR 1=1", '<script>', 'A'.repeat(50)]) {
			expect((await securityPage(doctor.id, bad)).required).toBeNull();
		}
	});

	it('offers enrolment with a QR code image and a grouped key while 2FA is off', async () => {
		const user = await makeUser(db);
		const data = await securityPage(user.id);
		expect(data.twoFactor.enabled).toBe(false);
		if (data.twoFactor.enabled) return;
		expect(data.twoFactor.qr).toMatch(/^data:image\/svg\+xml;base64,/);
		expect(Buffer.from(data.twoFactor.qr.split(',')[1], 'base64').toString()).toContain('<svg');
		expect(data.twoFactor.manualKey).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/);
		// The key stays the same across reloads until the person asks for another.
		const again = await securityPage(user.id);
		expect(again.twoFactor.enabled === false && again.twoFactor.manualKey).toBe(data.twoFactor.manualKey);
	});

	it('shows how many recovery codes are left once 2FA is on', async () => {
		const clinic = await makeClinic(db, { require2fa: true });
		const user = await makeMember(db, clinic.id, 'reception');
		const token = generateSessionToken();
		const session = await createSession(db, token, user.id, { twoFactorVerified: true });
		await beginTotpEnrolment(db, user.id, user.email);
		const [row] = await db.select().from(appUser).where(eq(appUser.id, user.id));
		await confirmTotpEnrolment(db, user.id, session.id, { code: generateTOTP(decodeBase64(row.totpPendingKey!), 30, 6) });
		const data = await securityPage(user.id, clinic.code);
		expect(data.twoFactor).toEqual({ enabled: true, recoveryLeft: 10 });
		expect(data.required).toEqual({ code: clinic.code, name: clinic.name });
	});
});
