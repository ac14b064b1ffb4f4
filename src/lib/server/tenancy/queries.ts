import { and, asc, eq, ne, sql } from 'drizzle-orm';
import { appUser, clinic, doctorProfile, installation, membership, type Clinic, type Role } from '../db/schema';
import type { Db } from '../db';
import { isUuid } from '../text';

export type ClinicMembership = { clinicId: string; clinicCode: string; clinicName: string; role: Role; status: 'active' | 'suspended' | 'removed' };

export async function isSetupDone(db: Db): Promise<boolean> {
	const rows = await db.select({ id: installation.id }).from(installation).limit(1);
	return rows.length > 0;
}

/** Every clinic the user belongs to with an active membership, in the order they joined. */
export async function activeMemberships(db: Db, userId: string): Promise<ClinicMembership[]> {
	return db
		.select({ clinicId: clinic.id, clinicCode: clinic.code, clinicName: clinic.name, role: membership.role, status: membership.status })
		.from(membership)
		.innerJoin(clinic, eq(membership.clinicId, clinic.id))
		.where(and(eq(membership.userId, userId), eq(membership.status, 'active'), ne(clinic.status, 'suspended')))
		.orderBy(asc(membership.createdAt));
}

/** A code from a path or a form that no clinic can have (`LHR01%00`, 5 KB of text) names none, without asking the database. */
const couldBeClinicCode = (code: string) => /^[A-Za-z0-9]{1,16}$/.test(code);

export type ClinicMembershipRow = { clinic: Clinic; role: Role };

/**
 * The user's active membership in a clinic (by code or id) that is not suspended, or null. This
 * is a fact, not a permission: doors ask `clinicAccess` (tenancy/access.ts), which adds the
 * account's and the clinic's rules; screens that only describe a membership may read this.
 */
export async function clinicMembership(db: Db, userId: string, which: { code: string } | { id: string }): Promise<ClinicMembershipRow | null> {
	if ('code' in which ? !couldBeClinicCode(which.code) : !isUuid(which.id)) return null;
	const where = 'code' in which ? eq(clinic.code, which.code.toUpperCase()) : eq(clinic.id, which.id);
	const [row] = await db
		.select({ clinic, role: membership.role })
		.from(clinic)
		.innerJoin(membership, eq(membership.clinicId, clinic.id))
		.where(and(where, eq(membership.userId, userId), eq(membership.status, 'active')));
	if (!row || row.clinic.status === 'suspended') return null;
	return row;
}

/** The clinic's IANA time zone, or null for a clinic that does not exist. */
export async function findClinicTimeZone(db: Db, clinicId: string): Promise<string | null> {
	const [row] = await db.select({ timezone: clinic.timezone }).from(clinic).where(eq(clinic.id, clinicId));
	return row?.timezone ?? null;
}

export async function findClinicByCode(db: Db, code: string): Promise<Clinic | null> {
	if (!couldBeClinicCode(code)) return null;
	const [row] = await db.select().from(clinic).where(eq(clinic.code, code.toUpperCase()));
	return row ?? null;
}

export type MemberRow = {
	membershipId: string;
	userId: string;
	email: string;
	name: string;
	role: Role;
	status: 'active' | 'suspended' | 'removed';
	twoFactorEnabled: boolean;
	/** Invited by email and has not set a password yet. */
	invited: boolean;
	specialization: string | null;
	registrationNumber: string | null;
	consultationFee: number | null;
	listing: 'public' | 'private' | null;
	defaultRoomId: string | null;
};

function memberQuery(db: Db) {
	return db
		.select({
			membershipId: membership.id,
			userId: appUser.id,
			email: appUser.email,
			name: appUser.name,
			role: membership.role,
			status: membership.status,
			totpKey: appUser.totpKey,
			invited: sql<boolean>`${appUser.passwordHash} = ''`,
			specialization: doctorProfile.specialization,
			registrationNumber: doctorProfile.registrationNumber,
			consultationFee: doctorProfile.consultationFee,
			listing: doctorProfile.listing,
			defaultRoomId: doctorProfile.defaultRoomId
		})
		.from(membership)
		.innerJoin(appUser, eq(membership.userId, appUser.id))
		.leftJoin(doctorProfile, and(eq(doctorProfile.clinicId, membership.clinicId), eq(doctorProfile.userId, membership.userId)))
		.$dynamic();
}

/** The TOTP key itself never leaves the query; callers only learn whether 2FA is on. */
type MemberQueryRow = Omit<MemberRow, 'twoFactorEnabled'> & { totpKey: string | null };
const toMemberRow = ({ totpKey, ...row }: MemberQueryRow): MemberRow => ({
	...row,
	twoFactorEnabled: totpKey !== null
});

export async function listMembers(db: Db, clinicId: string): Promise<MemberRow[]> {
	const rows = await memberQuery(db)
		.where(and(eq(membership.clinicId, clinicId), ne(membership.status, 'removed')))
		.orderBy(asc(appUser.name));
	return rows.map(toMemberRow);
}

/** One member of the clinic (not removed), or null. */
export async function findMember(db: Db, clinicId: string, userId: string): Promise<MemberRow | null> {
	const [row] = await memberQuery(db).where(and(eq(membership.clinicId, clinicId), eq(membership.userId, userId), ne(membership.status, 'removed')));
	return row ? toMemberRow(row) : null;
}
