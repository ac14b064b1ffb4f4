import { randomBytes } from 'node:crypto';
import { currencyColumns } from '../src/lib/server/tenancy/money';
import { appUser, clinic, membership, type Role } from '../src/lib/server/db/schema';
import type { Db } from '../src/lib/server/db';
import { hashPassword } from '../src/lib/server/auth/password';
import { createSession, generateSessionToken } from '../src/lib/server/auth/session';

/** Small factories with random identifiers: tests share a database and never reset it. */
export const rand = (n = 6) => randomBytes(n).toString('hex');

export function clinicCode(): string {
	return ('T' + randomBytes(4).toString('hex').toUpperCase()).slice(0, 8);
}

export const PASSWORD = 'correct horse battery';
let passwordHash: Promise<string> | undefined;

/**
 * A fixed-offset zone in which it is now about noon. Tests that place appointments "now ± a few minutes"
 * and expect them to be today use it, so a run that starts near the clinic's midnight still agrees.
 */
export function middayTimeZone(now = new Date()): string {
	const offset = 12 - now.getUTCHours(); // -11 … +12, every one an Etc/GMT zone
	// Etc/GMT names count the other way: UTC+5 is Etc/GMT-5.
	return offset === 0 ? 'Etc/UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

export async function makeClinic(db: Db, overrides: Partial<typeof clinic.$inferInsert> = {}) {
	const [row] = await db
		.insert(clinic)
		.values({
			name: `Clinic ${rand(3)}`,
			code: clinicCode(),
			country: 'PK',
			city: 'Lahore',
			timezone: 'Asia/Karachi',
			...currencyColumns(overrides.currency ?? 'PKR'),
			...overrides
		})
		.returning();
	return row;
}

export async function makeUser(db: Db, overrides: Partial<typeof appUser.$inferInsert> = {}) {
	passwordHash ??= hashPassword(PASSWORD);
	const [row] = await db
		.insert(appUser)
		.values({ email: `user-${rand()}@example.test`, name: `Person ${rand(3)}`, passwordHash: await passwordHash, ...overrides })
		.returning();
	return row;
}

export async function makeMember(db: Db, clinicId: string, role: Role, overrides: Partial<typeof appUser.$inferInsert> = {}) {
	const user = await makeUser(db, overrides);
	await db.insert(membership).values({ clinicId, userId: user.id, role });
	return user;
}

/** Clinic A with a doctor, a receptionist and an admin, and clinic B whose admin is an outsider to A: the cast of the clinic API tests. */
export async function twoClinicsWithStaff(db: Db, overrides: Partial<typeof clinic.$inferInsert> = {}) {
	const clinicA = await makeClinic(db, overrides);
	const clinicB = await makeClinic(db);
	const doctor = await makeMember(db, clinicA.id, 'doctor');
	const reception = await makeMember(db, clinicA.id, 'reception');
	const admin = await makeMember(db, clinicA.id, 'admin');
	const outsider = await makeMember(db, clinicB.id, 'admin');
	return { clinicA, clinicB, doctor, reception, admin, outsider };
}

/** A signed-in session for the user; returns the token a cookie or a sync provider would carry. */
export async function makeSession(db: Db, userId: string): Promise<string> {
	const token = generateSessionToken();
	await createSession(db, token, userId, { twoFactorVerified: true });
	return token;
}
