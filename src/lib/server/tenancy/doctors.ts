import { and, asc, eq } from 'drizzle-orm';
import { appUser, membership } from '../db/schema';
import type { Db, Tx } from '../db';

type Reader = Db | Tx;

/** The clinic's doctors: active members with the doctor role, by name. */
export async function clinicDoctors(db: Reader, clinicId: string): Promise<{ id: string; name: string }[]> {
	return db
		.select({ id: appUser.id, name: appUser.name })
		.from(membership)
		.innerJoin(appUser, eq(appUser.id, membership.userId))
		.where(and(eq(membership.clinicId, clinicId), eq(membership.role, 'doctor'), eq(membership.status, 'active')))
		.orderBy(asc(appUser.name));
}

/** Whether a person is an active doctor of the clinic (what booking and calling check a doctor against). */
export async function isClinicDoctor(db: Reader, clinicId: string, userId: string): Promise<boolean> {
	const [row] = await db
		.select({ role: membership.role })
		.from(membership)
		.where(and(eq(membership.clinicId, clinicId), eq(membership.userId, userId), eq(membership.status, 'active')));
	return row?.role === 'doctor';
}
