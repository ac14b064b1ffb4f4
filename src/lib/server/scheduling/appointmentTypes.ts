import { and, asc, eq, sql } from 'drizzle-orm';
import { appointmentType, type AppointmentType } from '../db/schema/scheduling';
import type { Db, Tx } from '../db';
import { runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { AppError, conflict, forbidden } from '../errors';
import { isUniqueViolation } from '../db/errors';
import { parseInput } from '../validation';
import { clinicDocumentsChanged } from '../sync/changes';
import type { ClinicContext } from '../tenancy/context';
import { isUuid } from '../text';
import { can } from './policy';
import { appointmentTypeInput, appointmentTypeUpdateInput } from './schema';

type Reader = Db | Tx;

/**
 * A clinic's kinds of appointment (new visit, follow-up, procedure …). Each has its own length,
 * which the slots offered and the bookings made with it honour, and a colour the calendar draws
 * its bookings in. Types are never deleted: an archived one stays on the appointments that used
 * it and is no longer offered.
 */
export type AppointmentTypeView = { id: string; name: string; minutes: number; color: string; archived: boolean; createdAt: string };

const present = (row: AppointmentType): AppointmentTypeView => ({
	id: row.id,
	name: row.name,
	minutes: row.minutes,
	color: row.color,
	archived: row.archived,
	createdAt: row.createdAt.toISOString()
});

function nameTaken(e: unknown): never | void {
	if (isUniqueViolation(e, 'appointment_type_name_key')) {
		throw conflict('The clinic already has an appointment type with that name', 'appointment_type_name_taken', 'name');
	}
}

const noSuchType = () => new AppError('not_found', 404, 'No such appointment type', 'typeId');

/** The clinic's appointment types, in use first, by name: for anyone who sees the calendar. */
export async function listAppointmentTypes(db: Reader, ctx: ClinicContext): Promise<AppointmentTypeView[]> {
	if (!can(ctx.actor, 'calendar.view')) throw forbidden();
	const rows = await db
		.select()
		.from(appointmentType)
		.where(eq(appointmentType.clinicId, ctx.clinicId))
		.orderBy(asc(appointmentType.archived), asc(sql`lower(${appointmentType.name})`));
	return rows.map(present);
}

/**
 * One of this clinic's types, archived or not (a slot search for moving an appointment of an
 * archived type still needs its length). Another clinic's type, or no type at all, is not found
 * (404): a clinic never learns of another's types.
 */
export async function clinicAppointmentType(db: Reader, clinicId: string, typeId: string): Promise<AppointmentType> {
	const [row] = isUuid(typeId)
		? await db
				.select()
				.from(appointmentType)
				.where(and(eq(appointmentType.clinicId, clinicId), eq(appointmentType.id, typeId)))
		: [];
	if (!row) throw noSuchType();
	return row;
}

/** A type a booking may use: one of this clinic's, in use. */
export async function usableAppointmentType(db: Reader, clinicId: string, typeId: string): Promise<AppointmentType> {
	const row = await clinicAppointmentType(db, clinicId, typeId);
	if (row.archived) throw new AppError('appointment_type_archived', 400, 'That appointment type is archived', 'typeId');
	return row;
}

/** The length of an appointment's type, archived or not, or null for an appointment booked without one. */
export async function typeMinutes(db: Reader, typeId: string | null): Promise<number | null> {
	if (!typeId) return null;
	const [row] = await db.select({ minutes: appointmentType.minutes }).from(appointmentType).where(eq(appointmentType.id, typeId));
	return row?.minutes ?? null;
}

export async function createAppointmentType(db: Db, ctx: ClinicContext, input: unknown): Promise<AppointmentTypeView> {
	if (!can(ctx.actor, 'appointmentType.manage')) throw forbidden('Only a clinic admin can manage appointment types');
	const data = parseInput(appointmentTypeInput, input);
	try {
		return await runCommand(db, null, async (tx) => {
			const [row] = await tx
				.insert(appointmentType)
				.values({ clinicId: ctx.clinicId, ...data })
				.returning();
			await appendAudit(tx, {
				clinicId: ctx.clinicId,
				actorUserId: ctx.actor.userId,
				action: 'appointment_type.create',
				entityType: 'appointment_type',
				entityId: row.id,
				data
			});
			// No appointment has it yet: no calendar shows anything new.
			return present(row);
		});
	} catch (e) {
		nameTaken(e);
		throw e;
	}
}

/**
 * Renames, changes the length or colour of, archives or brings back a type. A new length applies
 * to bookings made from now on; appointments already booked keep their times. A new name or
 * colour shows on every calendar at once.
 */
export async function updateAppointmentType(db: Db, ctx: ClinicContext, typeId: string, input: unknown): Promise<AppointmentTypeView> {
	if (!can(ctx.actor, 'appointmentType.manage')) throw forbidden('Only a clinic admin can manage appointment types');
	const data = parseInput(appointmentTypeUpdateInput, input);
	if (!isUuid(typeId)) throw noSuchType();
	try {
		return await runCommand(db, null, async (tx) => {
			const [current] = await tx
				.select()
				.from(appointmentType)
				.where(and(eq(appointmentType.clinicId, ctx.clinicId), eq(appointmentType.id, typeId)))
				.for('update');
			if (!current) throw noSuchType();
			const [row] = await tx.update(appointmentType).set(data).where(eq(appointmentType.id, typeId)).returning();
			await appendAudit(tx, {
				clinicId: ctx.clinicId,
				actorUserId: ctx.actor.userId,
				action: 'appointment_type.update',
				entityType: 'appointment_type',
				entityId: typeId,
				data: { from: { name: current.name, minutes: current.minutes, color: current.color, archived: current.archived }, ...data }
			});
			// Calendars of any day may show the type's name and colour.
			if (row.name !== current.name || row.color !== current.color) await clinicDocumentsChanged(tx, [ctx.clinicId]);
			return present(row);
		});
	} catch (e) {
		nameTaken(e);
		throw e;
	}
}
