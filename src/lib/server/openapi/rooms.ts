import { z } from 'zod';
import { roomInput, roomUpdateInput } from '../queue/schema';
import { clinicCode } from '../tenancy/schema';
import { jsonSchemaOf } from './jsonSchema';
import { bodyErrors, errors, jsonRequest, jsonResponse, pathParameter } from './common';
import type { ApiContribution, Parameter } from './types';

export const roomView = z.object({
	id: z.uuid(),
	name: z.string(),
	archived: z.boolean().meta({ description: 'Archived rooms are kept (tokens called to them keep the name) but no longer offered.' }),
	createdAt: z.string().meta({ description: 'ISO 8601 instant (UTC).' }),
	inUse: z.boolean().meta({ description: 'A token has been called to it.' })
});
export const roomsView = z.object({ rooms: z.array(roomView) });
export const todayRoomView = z.object({
	doctorId: z.uuid(),
	day: z.string().meta({ description: 'The clinic-local date (YYYY-MM-DD).' }),
	room: z
		.object({ id: z.uuid(), name: z.string() })
		.nullable()
		.meta({ description: 'The doctor’s room today: the one chosen for today, else their usual room.' })
});

const todayRoomInput = z.object({ roomId: z.uuid().nullable().meta({ description: 'null goes back to the doctor’s usual room (doctor profile).' }) });
const codeParameter: Parameter = pathParameter('code', 'The clinic code, e.g. `SHF01`.', jsonSchemaOf(clinicCode, 'input'));
const scoped = ['Unauthenticated', 'NotFound'] as const;
const tags = ['queue'];

/** Rooms (part of the queue's contribution): where the waiting-room screen sends each called token ("Token 014 → Room 2"). */
export const roomsApi: Omit<ApiContribution, 'tag'> = {
	schemas: {
		Room: jsonSchemaOf(roomView, 'output'),
		Rooms: jsonSchemaOf(roomsView, 'output'),
		TodayRoom: jsonSchemaOf(todayRoomView, 'output')
	},
	paths: {
		'/clinics/{code}/rooms': {
			parameters: [codeParameter],
			get: {
				operationId: 'listRooms',
				summary: 'The clinic’s rooms, rooms in use first',
				tags,
				responses: { '200': jsonResponse('Every room, archived ones last.', 'Rooms'), ...errors(...scoped, 'Forbidden') }
			},
			post: {
				operationId: 'createRoom',
				summary: 'Add a room ("Room 2", "Dental chair")',
				description: 'Admins only. Two rooms in use cannot share a name (409 `room_name_taken`).',
				tags,
				requestBody: jsonRequest(roomInput),
				responses: { '201': jsonResponse('Created.', 'Room'), ...errors(...bodyErrors, ...scoped, 'Forbidden', 'Conflict') }
			}
		},
		'/clinics/{code}/rooms/{id}': {
			parameters: [codeParameter, pathParameter('id', 'The room’s id.', { type: 'string', format: 'uuid' })],
			patch: {
				operationId: 'updateRoom',
				summary: 'Rename, archive or bring back a room',
				description: 'Admins only. Rooms are never deleted. Archiving one clears it as any doctor’s usual room and as a room chosen for today or later.',
				tags,
				requestBody: jsonRequest(roomUpdateInput),
				responses: { '200': jsonResponse('The room after the change.', 'Room'), ...errors(...bodyErrors, ...scoped, 'Forbidden', 'Conflict') }
			}
		},
		'/clinics/{code}/doctors/{userId}/today-room': {
			parameters: [codeParameter, pathParameter('userId', 'The doctor’s user id.', { type: 'string', format: 'uuid' })],
			put: {
				operationId: 'setTodayRoom',
				summary: 'Set the room a doctor works in for the rest of today',
				description:
					'A doctor for themselves; admins and reception for any doctor. Calls from then on send patients there. Call next also takes an optional `roomId` that does the same.',
				tags,
				requestBody: jsonRequest(todayRoomInput),
				responses: { '200': jsonResponse('The doctor’s room today.', 'TodayRoom'), ...errors(...bodyErrors, ...scoped, 'Forbidden') }
			}
		}
	}
};
