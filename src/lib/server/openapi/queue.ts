import { z } from 'zod';
import { arrivalTiming, queueTokenStatus } from '../db/schema/queue';
import { callNextInput, checkInInput, displayKeyInput, reorderInput, urgentInput } from '../queue/schema';
import { clinicCode } from '../tenancy/schema';
import { jsonSchemaOf } from './jsonSchema';
import { bodyErrors, errors, idempotent, jsonRequest, jsonResponse, pathParameter } from './common';
import type { ApiContribution, Parameter } from './types';
import { roomsApi } from './rooms';

/* Responses: parsing through these drops every field the document does not promise. */

const instant = (description = 'ISO 8601 instant (UTC).') => z.string().meta({ description });

export const tokenView = z.object({
	id: z.uuid(),
	token: z.string().meta({ description: 'The number people see and hear: `014`, or `D2-014` when the clinic numbers per doctor.' }),
	number: z.number().int(),
	prefix: z.string(),
	day: z.string().meta({ description: 'The clinic-local date (YYYY-MM-DD).' }),
	status: z.enum(queueTokenStatus.enumValues),
	patientId: z.uuid(),
	doctorId: z
		.uuid()
		.nullable()
		.meta({ description: 'The chosen or calling doctor; null for a walk-in of the shared line (no doctor chosen) until a doctor calls it.' }),
	appointmentId: z.uuid().nullable(),
	arrival: z.enum(arrivalTiming.enumValues),
	arrivalMinutes: z.number().int().nullable().meta({ description: 'Minutes after (positive) or before (negative) the appointment’s start.' }),
	urgent: z.boolean(),
	reason: z.string().meta({
		description: 'Why the patient came, as told at the desk; for an appointment its own reason unless the desk gave another. Empty when nobody said.'
	}),
	checkedInAt: instant(),
	calledAt: instant().nullable(),
	completedAt: instant().nullable(),
	roomId: z.uuid().nullable().meta({ description: 'The room the token was called to.' }),
	room: z.string().nullable().optional().meta({ description: 'That room’s name (call next only).' }),
	cancelReason: z
		.string()
		.optional()
		.meta({ description: 'Why a `cancelled` token left the line: `merged` when its patient record was merged into one holding another token.' }),
	visitId: z.uuid().nullable().optional().meta({ description: 'The visit the call started (call next only).' })
});

const roomRef = z.object({ id: z.uuid(), name: z.string() });

export const queueView = z.object({
	day: z.string(),
	timezone: z.string(),
	doctors: z.array(
		z.object({
			id: z.uuid(),
			name: z.string(),
			consultationMinutes: z.number().int(),
			withDoctor: z.uuid().nullable(),
			room: roomRef.nullable().meta({ description: 'Where the doctor sees patients today.' })
		})
	),
	tokens: z.array(
		tokenView.omit({ number: true, prefix: true, day: true, visitId: true, roomId: true, room: true, cancelReason: true }).extend({
			room: z.string().nullable().meta({ description: 'The room the token was called to.' }),
			cancelReason: z.string().nullable(),
			patientName: z.string(),
			patientRef: z.string(),
			urgentReason: z.string().nullable(),
			appointmentStart: instant().nullable(),
			order: z.number().int().nullable().meta({ description: 'Place in the expected call order of the day (waiting tokens only).' }),
			plannedDoctorId: z.uuid().nullable().meta({
				description:
					'The doctor the order rule is predicted to give this waiting token to. For a walk-in of the shared line only a forecast: it stays in the shared line, and `doctorId` null, until a doctor calls it.'
			}),
			ahead: z.number().int().nullable().meta({ description: 'Calls the predicted doctor is expected to make before this one.' }),
			estimatedCallAt: instant().nullable().meta({
				description:
					'When the order rule is predicted to call it; never before the appointment time of a patient who came early (walk-ins are seen until then). Null when no doctor working today can call it.'
			}),
			waitMinutes: z.number().int().nullable().meta({ description: 'Minutes until `estimatedCallAt`, rounded up.' })
		})
	)
});

export const displayKeyCreatedView = z.object({
	id: z.uuid(),
	name: z.string(),
	key: z.string().meta({ description: 'Shown this once; the kiosk page is `/kiosk/{key}`. Only its SHA-256 is stored.' })
});
export const displayKeyView = z.object({ id: z.uuid(), name: z.string(), createdAt: instant(), revokedAt: instant().nullable() });
export const displayKeysView = z.object({ keys: z.array(displayKeyView) });

const codeParameter: Parameter = pathParameter('code', 'The clinic code, e.g. `SHF01`.', jsonSchemaOf(clinicCode, 'input'));
const tokenParameter = pathParameter('tokenId', 'The token id.', { type: 'string', format: 'uuid' });
const scoped = ['Unauthenticated', 'NotFound'] as const;
const tags = ['queue'];

const tokenAction = (operationId: string, summary: string, description: string, body?: z.ZodType, key: 'required' | 'optional' = 'optional') => {
	const post = {
		operationId,
		summary,
		description,
		tags,
		...(body ? { requestBody: jsonRequest(body) } : {}),
		responses: { '200': jsonResponse('The token after the change.', 'QueueToken'), ...errors(...(body ? bodyErrors : []), ...scoped, 'Forbidden', 'Conflict') }
	};
	return { parameters: [codeParameter, tokenParameter], post: idempotent(post, { required: key === 'required' }) };
};

export const queueApi: ApiContribution = {
	tag: {
		name: 'queue',
		description:
			'Check-in, tokens and the live queue. Order rule: urgent tokens first; then appointment patients who are present and whose time has come, by appointment time; ' +
			'then walk-ins (and patients more than 10 minutes late) by arrival; a recalled or sent-back token queues by the time it returned; early appointment patients last. Staff may move a token by hand, with a reason. ' +
			'A walk-in checked in without a doctor waits in the shared line (`doctorId` null): every doctor’s call next chooses among their own line and the shared line by that one order, and the walk-in becomes the calling doctor’s. ' +
			'Estimates and the "nearly your turn" notice follow the rule’s prediction: a patient who came early for an appointment is expected no sooner than its time.'
	},
	schemas: {
		QueueToken: jsonSchemaOf(tokenView, 'output'),
		Queue: jsonSchemaOf(queueView, 'output'),
		DisplayKeyCreated: jsonSchemaOf(displayKeyCreatedView, 'output'),
		DisplayKey: jsonSchemaOf(displayKeyView, 'output'),
		DisplayKeys: jsonSchemaOf(displayKeysView, 'output'),
		...roomsApi.schemas
	},
	paths: {
		'/clinics/{code}/queue': {
			parameters: [codeParameter],
			get: {
				operationId: 'getQueue',
				summary: 'The queue of a clinic-local date, in expected call order, with estimated waits',
				tags,
				parameters: [
					{
						name: 'date',
						in: 'query',
						required: false,
						description: 'YYYY-MM-DD in the clinic’s time zone; today when left out.',
						schema: { type: 'string', format: 'date' }
					}
				],
				responses: { '200': jsonResponse('Every token of the day.', 'Queue'), ...errors('BadRequest', ...scoped) }
			}
		},
		'/clinics/{code}/queue/check-in': {
			parameters: [codeParameter],
			post: idempotent(
				{
					operationId: 'checkIn',
					summary: 'Check a patient in and issue a token',
					description:
						'Either `appointmentId` (one of today’s appointments: arrival is recorded as early, on time or late and the appointment becomes `checked_in`) or `patientId` with an optional `doctorId` (a walk-in). ' +
						'Token numbers are issued by the database: consecutive, never twice. A patient already in today’s queue answers 409 `already_in_queue`; a record merged into another (even by a merge that finishes while this check-in waits) 409 `patient_merged`. Retrying with the same key returns the first token.',
					tags,
					requestBody: jsonRequest(checkInInput),
					responses: { '201': jsonResponse('Checked in.', 'QueueToken'), ...errors(...bodyErrors, ...scoped, 'Forbidden', 'Conflict') }
				},
				{ required: true }
			)
		},
		'/clinics/{code}/queue/next': {
			parameters: [codeParameter],
			post: idempotent(
				{
					operationId: 'callNext',
					summary: 'Call the next token for a doctor',
					description:
						'Takes the next token by the order rule from the doctor’s own line and the shared line (walk-ins without a chosen doctor), moves it to `with_doctor`, makes it this doctor’s (`doctorId` set), sends it to the doctor’s room for today (an optional `roomId` first becomes that room) and starts its visit. ' +
						'Two doctors calling at the same moment never get the same token: the second gets the one after it, or `queue_empty`. 409 `doctor_busy` while a patient is with the doctor, `queue_empty` when nobody waits. Doctors call for themselves; admins and reception for anyone.',
					tags,
					requestBody: jsonRequest(callNextInput),
					responses: {
						'200': jsonResponse('The called token, with `visitId`, `roomId` and `room` (its name).', 'QueueToken'),
						...errors(...bodyErrors, ...scoped, 'Forbidden', 'Conflict')
					}
				},
				{ required: true }
			)
		},
		'/clinics/{code}/queue/{tokenId}/recall': tokenAction(
			'recallToken',
			'Call a token again, or bring a skipped one back',
			'With the doctor: announced again. Skipped: back into the line, queued by the time it returned (not in front).'
		),
		'/clinics/{code}/queue/{tokenId}/skip': tokenAction(
			'skipToken',
			'Skip a token whose patient did not come',
			'A token skipped twice becomes `no_show` (and so does its appointment).'
		),
		'/clinics/{code}/queue/{tokenId}/send-back': tokenAction(
			'sendBackToken',
			'Send the patient back to wait',
			'From `with_doctor` to `waiting`; the visit stays open and reopens on the next call.'
		),
		'/clinics/{code}/queue/{tokenId}/complete': tokenAction(
			'completeToken',
			'Complete the consultation',
			'The patient leaves the doctor: the token and its appointment complete. The visit stays open for its chart to be completed (`POST …/visits/{id}/complete`, which also completes a token still with the doctor). No body is needed when the key comes as a header.',
			undefined,
			'required'
		),
		'/clinics/{code}/queue/{tokenId}/urgent': tokenAction(
			'markTokenUrgent',
			'Move a waiting token to the front',
			'The reason is kept in the audit log.',
			urgentInput
		),
		'/clinics/{code}/queue/{tokenId}/reorder': tokenAction(
			'reorderToken',
			'Move a waiting token to another place in its line, or into a doctor’s line',
			'Admins and reception only; the reason is kept in the audit log. `position` 0 is next, in the token’s own line (its doctor’s, or the shared line) unless `doctorId` names another.',
			reorderInput
		),
		'/clinics/{code}/queue/{tokenId}/slip': {
			parameters: [codeParameter, tokenParameter],
			get: {
				operationId: 'getTokenSlip',
				summary: 'The printable token slip',
				description:
					'An HTML page with a print stylesheet: the clinic, the token, the doctor (or the next free doctor), the room, the expected call and a QR code of the address where the patient follows the queue. Never the patient’s name. ' +
					'`paper=80mm` (a receipt roll, the default) or `paper=a6`. In the language of the request (`PARAGLIDE_LOCALE` cookie or `Accept-Language`).',
				tags,
				parameters: [{ name: 'paper', in: 'query', required: false, description: '`80mm` or `a6`.', schema: { type: 'string', enum: ['80mm', 'a6'] } }],
				responses: {
					'200': { description: 'The slip.', content: { 'text/html': { schema: { type: 'string' } } } },
					...errors('BadRequest', ...scoped, 'Forbidden')
				}
			}
		},
		'/clinics/{code}/display-keys': {
			parameters: [codeParameter],
			get: {
				operationId: 'listDisplayKeys',
				summary: 'The clinic’s waiting-room display keys (never the keys themselves)',
				tags,
				responses: { '200': jsonResponse('Newest first.', 'DisplayKeys'), ...errors(...scoped, 'Forbidden') }
			},
			post: {
				operationId: 'createDisplayKey',
				summary: 'Create a named display key for a waiting-room screen',
				description: 'Admins only. The response holds the key, once; open `/kiosk/{key}` on the screen.',
				tags,
				requestBody: jsonRequest(displayKeyInput),
				responses: { '201': jsonResponse('Created.', 'DisplayKeyCreated'), ...errors(...bodyErrors, ...scoped, 'Forbidden') }
			}
		},
		'/clinics/{code}/display-keys/{id}': {
			parameters: [codeParameter, pathParameter('id', 'The display key’s id.', { type: 'string', format: 'uuid' })],
			delete: {
				operationId: 'revokeDisplayKey',
				summary: 'Revoke a display key',
				description: 'Screens using it stop within seconds.',
				tags,
				responses: { '200': jsonResponse('Revoked.', 'DisplayKey'), ...errors(...scoped, 'Forbidden') }
			}
		},
		...roomsApi.paths
	}
};
