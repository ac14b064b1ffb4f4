import { z } from 'zod';
import { appointmentTypeInput, appointmentTypeUpdateInput } from '../scheduling/schema';
import { clinicCode } from '../tenancy/schema';
import { jsonSchemaOf } from './jsonSchema';
import { bodyErrors, errors, jsonRequest, jsonResponse, pathParameter } from './common';
import type { ApiContribution, Parameter } from './types';

export const appointmentTypeView = z.object({
	id: z.uuid(),
	name: z.string().meta({ example: 'Dressing change' }),
	minutes: z.number().int().meta({ description: 'How long its appointments last: 5 to 480, in steps of 5.', example: 30 }),
	color: z.string().meta({ description: 'How the calendar draws its appointments, `#rrggbb` in lower case.', example: '#0e7490' }),
	archived: z.boolean().meta({ description: 'Archived types stay on the appointments booked with them but are no longer offered.' }),
	createdAt: z.string().meta({ description: 'ISO 8601 instant (UTC).' })
});
export const appointmentTypesView = z.object({ types: z.array(appointmentTypeView) });

const codeParameter: Parameter = pathParameter('code', 'The clinic code, e.g. `SHF01`.', jsonSchemaOf(clinicCode, 'input'));
const scoped = ['Unauthenticated', 'NotFound'] as const;
const tags = ['scheduling'];

/** Appointment types (part of the scheduling contribution): a clinic's kinds of appointment, with their lengths and colours. */
export const appointmentTypesApi: Omit<ApiContribution, 'tag'> = {
	schemas: {
		AppointmentType: jsonSchemaOf(appointmentTypeView, 'output'),
		AppointmentTypes: jsonSchemaOf(appointmentTypesView, 'output')
	},
	paths: {
		'/clinics/{code}/appointment-types': {
			parameters: [codeParameter],
			get: {
				operationId: 'listAppointmentTypes',
				summary: 'The clinic’s appointment types, those in use first',
				description: 'Any staff member of the clinic. Archived types are listed last, marked `archived`.',
				tags,
				responses: { '200': jsonResponse('Every type, by name.', 'AppointmentTypes'), ...errors(...scoped, 'Forbidden') }
			},
			post: {
				operationId: 'createAppointmentType',
				summary: 'Add an appointment type ("New visit", "Procedure") with its length and colour',
				description:
					'Admins only. `name` 1 to 60 characters, unique in the clinic whatever its case (409 `appointment_type_name_taken`); ' +
					'`minutes` 5 to 480 in steps of 5 (`type_minutes_invalid`); `color` `#rrggbb` (`color_invalid`), stored in lower case. Every bad field is named at once in `fields`.',
				tags,
				requestBody: jsonRequest(appointmentTypeInput),
				responses: { '201': jsonResponse('Created.', 'AppointmentType'), ...errors(...bodyErrors, ...scoped, 'Forbidden', 'Conflict') }
			}
		},
		'/clinics/{code}/appointment-types/{typeId}': {
			parameters: [codeParameter, pathParameter('typeId', 'The appointment type’s id.', { type: 'string', format: 'uuid' })],
			patch: {
				operationId: 'updateAppointmentType',
				summary: 'Rename an appointment type, change its length or colour, archive it or bring it back',
				description:
					'Admins only; send any of `name`, `minutes`, `color`, `archived`. Types are never deleted. A new length applies to bookings made from then on. Another clinic’s type is not found (404).',
				tags,
				requestBody: jsonRequest(appointmentTypeUpdateInput),
				responses: { '200': jsonResponse('The type after the change.', 'AppointmentType'), ...errors(...bodyErrors, ...scoped, 'Forbidden', 'Conflict') }
			}
		}
	}
};
