import { and, asc, eq } from 'drizzle-orm';
import { appUser, clinic, membership, staffDuty, type Role } from '../../db/schema';
import type { Db } from '../../db';
import type { DocumentRef } from '../../../sync/protocol';
import type { ProjectionContent } from '../projection';
import type { StaffContent } from '../../../sync/contracts/staff';
import { clinicToday } from '../../../time';

export type StaffOnDuty = { userId: string; name: string; role: Role; onDuty: boolean };

/**
 * `clinic/{id}/staff`: every active member of the clinic with their role and whether they are
 * on duty today (the clinic's today). Names and roles only: every member of staff may read it.
 */
export async function projectClinicStaff(db: Db, ref: DocumentRef): Promise<ProjectionContent> {
	if (ref.type !== 'staff') throw new Error(`staff projection asked for ${ref.type}`);
	const [found] = await db.select({ timezone: clinic.timezone }).from(clinic).where(eq(clinic.id, ref.clinicId));
	if (!found) return { day: null, staff: [] } satisfies StaffContent;
	const day = clinicToday(found.timezone);
	const rows = await db
		.select({ userId: appUser.id, name: appUser.name, role: membership.role, onDuty: staffDuty.onDuty })
		.from(membership)
		.innerJoin(appUser, eq(appUser.id, membership.userId))
		.leftJoin(staffDuty, and(eq(staffDuty.clinicId, membership.clinicId), eq(staffDuty.userId, membership.userId), eq(staffDuty.day, day)))
		.where(and(eq(membership.clinicId, ref.clinicId), eq(membership.status, 'active')))
		.orderBy(asc(appUser.name), asc(appUser.id));
	const staff = rows.map((r) => ({ userId: r.userId, name: r.name, role: r.role, onDuty: r.onDuty ?? false }));
	return { day, staff } satisfies StaffContent;
}
