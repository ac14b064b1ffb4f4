import { and, asc, eq, sql } from 'drizzle-orm';
import { doctorDayRoom, doctorProfile, queueToken, room, type Room } from '../db/schema';
import type { Db, Tx } from '../db';
import { runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { AppError, badRequest, conflict, forbidden, notFound } from '../errors';
import { isUniqueViolation } from '../db/errors';
import { parseInput } from '../validation';
import type { ClinicContext } from '../tenancy/context';
import { isClinicDoctor } from '../tenancy/doctors';
import { can } from './policy';
import { roomInput, roomUpdateInput, todayRoomInput } from './schema';
import { loadClinic, queueChanged, today } from './common';
import { doctorRoomsOn, type DoctorRoom } from './queries';
import { isUuid } from '../text';

type Reader = Db | Tx;

export type RoomView = { id: string; name: string; archived: boolean; createdAt: string; inUse: boolean };

function nameTaken(e: unknown): never | void {
	if (isUniqueViolation(e, 'room_clinic_name_key')) throw conflict('A room in use already has that name', 'room_name_taken', 'name');
}

/** The clinic's rooms, rooms in use first, by name; `inUse` says whether any token was called to it. */
export async function listRooms(db: Reader, clinicId: string): Promise<RoomView[]> {
	const rows = await db
		.select({ room, used: sql<boolean>`EXISTS (SELECT 1 FROM ${queueToken} WHERE ${queueToken.roomId} = ${room.id})` })
		.from(room)
		.where(eq(room.clinicId, clinicId))
		.orderBy(sql`${room.archivedAt} IS NOT NULL`, asc(sql`lower(${room.name})`));
	return rows.map((r) => presentRoom(r.room, r.used === true));
}

function presentRoom(row: Room, inUse: boolean): RoomView {
	return { id: row.id, name: row.name, archived: row.archivedAt !== null, createdAt: row.createdAt.toISOString(), inUse };
}

/** A room of this clinic that is in use (not archived); anything else is a field error on `field`. */
export async function activeRoom(db: Reader, clinicId: string, roomId: string, field = 'roomId'): Promise<Room> {
	const [row] = isUuid(roomId)
		? await db
				.select()
				.from(room)
				.where(and(eq(room.clinicId, clinicId), eq(room.id, roomId)))
		: [];
	if (!row) throw badRequest('No such room in this clinic', field, 'field_invalid');
	if (row.archivedAt) throw new AppError('room_archived', 400, 'That room is archived', field);
	return row;
}

export async function createRoom(db: Db, ctx: ClinicContext, input: unknown): Promise<RoomView> {
	if (!can(ctx.actor, 'room.manage')) throw forbidden('Only a clinic admin can manage rooms');
	const { name } = parseInput(roomInput, input);
	try {
		return await runCommand(db, null, async (tx) => {
			const [row] = await tx.insert(room).values({ clinicId: ctx.clinicId, name, createdBy: ctx.actor.userId }).returning();
			await appendAudit(tx, {
				clinicId: ctx.clinicId,
				actorUserId: ctx.actor.userId,
				action: 'room.create',
				entityType: 'room',
				entityId: row.id,
				data: { name }
			});
			return presentRoom(row, false);
		});
	} catch (e) {
		nameTaken(e);
		throw e;
	}
}

/**
 * Renames, archives or brings back a room. Rooms are never deleted: tokens called to one keep
 * its name. Archiving also clears it as a doctor's usual room and from today on as a day's room,
 * so nobody is sent to a room that is no longer used.
 */
export async function updateRoom(db: Db, ctx: ClinicContext, roomId: string, input: unknown): Promise<RoomView> {
	if (!can(ctx.actor, 'room.manage')) throw forbidden('Only a clinic admin can manage rooms');
	const data = parseInput(roomUpdateInput, input);
	if (!isUuid(roomId)) throw notFound('No such room');
	const home = await loadClinic(db, ctx.clinicId);
	try {
		return await runCommand(db, null, async (tx) => {
			const [current] = await tx
				.select()
				.from(room)
				.where(and(eq(room.clinicId, ctx.clinicId), eq(room.id, roomId)))
				.for('update');
			if (!current) throw notFound('No such room');
			const archivedAt = data.archived === undefined ? current.archivedAt : data.archived ? (current.archivedAt ?? new Date()) : null;
			const [row] = await tx
				.update(room)
				.set({ name: data.name ?? current.name, archivedAt })
				.where(eq(room.id, roomId))
				.returning();
			if (archivedAt && !current.archivedAt) {
				await tx
					.update(doctorProfile)
					.set({ defaultRoomId: null })
					.where(and(eq(doctorProfile.clinicId, ctx.clinicId), eq(doctorProfile.defaultRoomId, roomId)));
				await tx.delete(doctorDayRoom).where(and(eq(doctorDayRoom.roomId, roomId), sql`${doctorDayRoom.day} >= ${today(home)}`));
			}
			await appendAudit(tx, {
				clinicId: ctx.clinicId,
				actorUserId: ctx.actor.userId,
				action: 'room.update',
				entityType: 'room',
				entityId: roomId,
				data: { from: current.name, ...data }
			});
			const [used] = await tx.select({ id: queueToken.id }).from(queueToken).where(eq(queueToken.roomId, roomId)).limit(1);
			// The waiting room shows room names: a rename or an archive shows there at once.
			await queueChanged(tx, ctx.clinicId, today(home));
			return presentRoom(row, Boolean(used));
		});
	} catch (e) {
		nameTaken(e);
		throw e;
	}
}

/** Records a doctor's room for one day inside a command's transaction (call next with a room does too). */
export async function recordDayRoom(tx: Tx, ctx: ClinicContext, doctorId: string, day: string, roomId: string | null): Promise<void> {
	if (roomId === null) {
		await tx.delete(doctorDayRoom).where(and(eq(doctorDayRoom.clinicId, ctx.clinicId), eq(doctorDayRoom.doctorId, doctorId), eq(doctorDayRoom.day, day)));
	} else {
		await tx
			.insert(doctorDayRoom)
			.values({ clinicId: ctx.clinicId, doctorId, day, roomId, updatedBy: ctx.actor.userId })
			.onConflictDoUpdate({
				target: [doctorDayRoom.clinicId, doctorDayRoom.doctorId, doctorDayRoom.day],
				set: { roomId, updatedBy: ctx.actor.userId, updatedAt: new Date() }
			});
	}
	await appendAudit(tx, {
		clinicId: ctx.clinicId,
		actorUserId: ctx.actor.userId,
		action: 'room.today',
		entityType: 'doctor',
		entityId: doctorId,
		data: { day, roomId }
	});
}

/**
 * "I'm in Room 3 today": a doctor (for themselves), the desk or an admin sets the room a doctor
 * works in for the rest of the clinic's day; `roomId: null` goes back to their usual room. Calls
 * from then on send patients there; the patient already with the doctor keeps the room they were called to.
 */
export async function setTodayRoom(db: Db, ctx: ClinicContext, input: unknown): Promise<{ doctorId: string; day: string; room: DoctorRoom | null }> {
	const { doctorId, roomId } = parseInput(todayRoomInput, input);
	if (!can(ctx.actor, 'room.assign', { doctorId })) throw forbidden();
	if (!(await isClinicDoctor(db, ctx.clinicId, doctorId))) throw badRequest('No such doctor in this clinic', 'doctorId', 'field_invalid');
	const chosen = roomId ? await activeRoom(db, ctx.clinicId, roomId) : null;
	const home = await loadClinic(db, ctx.clinicId);
	const day = today(home);
	await runCommand(db, null, async (tx) => {
		await recordDayRoom(tx, ctx, doctorId, day, chosen?.id ?? null);
		await queueChanged(tx, ctx.clinicId, day);
	});
	const room = (await doctorRoomsOn(db, ctx.clinicId, day, [doctorId])).get(doctorId) ?? null;
	return { doctorId, day, room };
}
