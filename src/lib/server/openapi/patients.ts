import { z } from 'zod';
import { patientDocumentKind, sex } from '../db/schema/patients';
import { formatRef } from '../tenancy/counters';
import { patientInput, mergeInput, linkInput } from '../patients/schema';
import { clinicalRecordPaths, clinicalRecordSchemas } from './clinicalRecord';
import type { Patient } from '../db/schema/patients';
import type { PatientSummary } from '../patients/queries';
import { clinicCode } from '../tenancy/schema';
import { jsonSchemaOf } from './jsonSchema';
import { idempotencyKeyInput } from '../command';
import { bodyErrors, errors, idempotent, jsonContent, jsonRequest, jsonResponse, pathParameter, ref } from './common';
import type { ApiContribution, Parameter } from './types';

/* Request bodies. The record fields are the domain's own schema; the country and date only shape checks the document cannot state. */

const recordFields = patientInput('PK', '2100-01-01');

export const registerOptions = z.object({
	allowDuplicate: z
		.boolean()
		.default(false)
		.meta({ description: 'True when the caller confirmed that this is a different person from the candidates a 409 named.' }),
	idempotencyKey: idempotencyKeyInput
		.optional()
		.meta({ description: 'Retrying with the same key returns the first registration instead of registering twice.' })
});

export const registerBody = recordFields.extend(registerOptions.shape);

const clearable = <T extends z.ZodType>(schema: T) => z.union([schema, z.null()]);

/** PATCH: any subset of the fields; `null` empties an optional one. */
export const patchBody = recordFields.partial().extend({
	dateOfBirth: clearable(recordFields.shape.dateOfBirth.unwrap()).optional(),
	sex: clearable(recordFields.shape.sex.unwrap()).optional(),
	phone: clearable(recordFields.shape.phone.unwrap()).optional(),
	email: clearable(recordFields.shape.email.unwrap()).optional(),
	nationalId: clearable(z.string().max(40)).optional(),
	externalRef: clearable(z.string().max(60)).optional(),
	emergencyContactPhone: clearable(recordFields.shape.emergencyContactPhone.unwrap()).optional()
});

export { searchInput as searchQuery } from '../patients/schema';

/* Responses: parsing through these drops every field the document does not promise. */

const instant = z.string().meta({ description: 'ISO 8601 instant (UTC).' });

export const patientView = z.object({
	id: z.uuid(),
	ref: z.string().meta({ description: 'Human reference, e.g. `SHF01-P1042`; kept by the survivor of a merge.' }),
	refNo: z.number().int(),
	name: z.string(),
	dateOfBirth: z.string().nullable().meta({ description: 'YYYY-MM-DD.' }),
	dobEstimated: z.boolean().meta({ description: 'True when only an age was given; the birth date is then 1 July of the estimated year.' }),
	sex: z.enum(sex.enumValues).nullable(),
	phone: z.string().nullable().meta({ description: 'E.164, e.g. `+923001234567`.' }),
	email: z.string().nullable(),
	address: z.string(),
	nationalId: z.string().nullable(),
	externalRef: z.string().nullable(),
	allergies: z.string(),
	chronicConditions: z.string(),
	emergencyContactName: z.string(),
	emergencyContactPhone: z.string().nullable(),
	preferredLanguage: z.enum(['en', 'ur']),
	mergedIntoId: z.uuid().nullable().meta({ description: 'Set when this record was merged into another; follow it.' }),
	createdAt: instant,
	updatedAt: instant
});

export const patientSummaryView = z.object({
	id: z.uuid(),
	ref: z.string(),
	name: z.string(),
	dateOfBirth: z.string().nullable(),
	sex: z.enum(sex.enumValues).nullable(),
	phone: z.string().nullable(),
	nationalId: z.string().nullable()
});

export const patientsView = z.object({ patients: z.array(patientSummaryView) });

export const duplicateView = z.object({
	error: z.object({ code: z.literal('possible_duplicate'), message: z.string() }),
	candidates: z
		.array(patientSummaryView)
		.meta({ description: 'Records that may be the same person: same phone or national ID, or a similar name with the same birth date.' })
});

export const mergeView = z.object({
	mergeId: z.uuid(),
	survivorId: z.uuid(),
	mergedId: z.uuid(),
	moved: z.record(z.string(), z.number().int()).meta({ description: 'How many rows of each table now point at the survivor.' })
});

export const linkCodeView = z.object({
	code: z
		.string()
		.meta({ description: 'The one-time code to give the patient, e.g. `7K4Q-9MXT`. Shown once: only its SHA-256 is stored.', example: '7K4Q-9MXT' }),
	expiresAt: instant
});

export const accountLinkView = z.object({
	patientId: z.uuid(),
	clinicCode: z.string().meta({ example: 'SHF01' }),
	clinicName: z.string(),
	patientRef: z.string().meta({ description: 'The clinic’s reference for the record, e.g. `SHF01-P1042`.' })
});

export const accountLinksView = z.object({ links: z.array(accountLinkView) });

export const documentKinds = patientDocumentKind.enumValues;

const iso = (value: Date | string) => new Date(value).toISOString();

/** A record as the API shows it. Dates may arrive as strings when an idempotent retry replays stored JSON. */
export function toPatientView(row: Patient, code: string) {
	return patientView.parse({ ...row, ref: formatRef(code, 'P', row.refNo), createdAt: iso(row.createdAt), updatedAt: iso(row.updatedAt) });
}

export function toSummaryView(row: Pick<PatientSummary, 'id' | 'refNo' | 'name' | 'dateOfBirth' | 'sex' | 'phone' | 'nationalId'>, code: string) {
	return patientSummaryView.parse({ ...row, ref: formatRef(code, 'P', row.refNo) });
}

const codeParameter: Parameter = pathParameter('code', 'The clinic code, e.g. `SHF01`.', jsonSchemaOf(clinicCode, 'input'));
const idParameter: Parameter = pathParameter('id', 'The patient record id.', { type: 'string', format: 'uuid' });
const scoped = ['Unauthenticated', 'NotFound'] as const;
const tags = ['patients'];

export const patientsApi: ApiContribution = {
	tag: {
		name: 'patients',
		description:
			'The clinic’s patient registry: search, registration with duplicate warnings, corrections and merges, and linking patients’ app accounts to their records. ' +
			'Another clinic’s records answer 404.'
	},
	schemas: {
		Patient: jsonSchemaOf(patientView, 'output'),
		PatientSummary: jsonSchemaOf(patientSummaryView, 'output'),
		Patients: jsonSchemaOf(patientsView, 'output'),
		PossibleDuplicate: jsonSchemaOf(duplicateView, 'output'),
		PatientMerge: jsonSchemaOf(mergeView, 'output'),
		LinkCode: jsonSchemaOf(linkCodeView, 'output'),
		AccountLink: jsonSchemaOf(accountLinkView, 'output'),
		AccountLinks: jsonSchemaOf(accountLinksView, 'output'),
		...clinicalRecordSchemas
	},
	paths: {
		'/clinics/{code}/patients': {
			parameters: [codeParameter],
			get: {
				operationId: 'searchPatients',
				summary: 'Search the registry as you type',
				description:
					'`q` may be a reference (`SHF01-P1042`, `P1042`, `1042`), 4 or more digits of a phone number, a national ID, or part of a name; ' +
					'names match despite small misspellings. Without `q`, the newest records. Merged-away records are left out.',
				tags,
				parameters: [
					{ name: 'q', in: 'query', description: 'What to look for (at most 100 characters).', schema: { type: 'string', maxLength: 100 } },
					{
						name: 'limit',
						in: 'query',
						description: 'At most this many results (1–50, default 20).',
						schema: { type: 'integer', minimum: 1, maximum: 50, default: 20 }
					}
				],
				responses: { '200': jsonResponse('Best matches first.', 'Patients'), ...errors('BadRequest', ...scoped, 'Forbidden') }
			},
			post: idempotent(
				{
					operationId: 'registerPatient',
					summary: 'Register a patient',
					description:
						'Phone numbers may be national (read with the clinic’s country) or international; they are stored in E.164. Give `dateOfBirth` or `age`. ' +
						'When the record looks like someone already registered, nothing is created and the answer is 409 `possible_duplicate` with the candidates; ' +
						'send again with `allowDuplicate: true` to register anyway. Admins, doctors and reception.',
					tags,
					requestBody: jsonRequest(registerBody),
					responses: {
						'201': jsonResponse('Registered.', 'Patient'),
						'409': { description: 'Possibly someone already registered (`possible_duplicate`).', content: jsonContent(ref('PossibleDuplicate')) },
						...errors(...bodyErrors, ...scoped, 'Forbidden')
					}
				},
				{ required: false }
			)
		},
		'/clinics/{code}/patients/{id}': {
			parameters: [codeParameter, idParameter],
			get: {
				operationId: 'getPatient',
				summary: 'One patient record',
				tags,
				responses: { '200': jsonResponse('The record.', 'Patient'), ...errors(...scoped, 'Forbidden') }
			},
			patch: {
				operationId: 'updatePatient',
				summary: 'Correct a patient record',
				description: 'Only the fields sent change; `null` empties an optional field. A merged-away record cannot change (409). Admins, doctors and reception.',
				tags,
				requestBody: jsonRequest(patchBody),
				responses: { '200': jsonResponse('The record after the change.', 'Patient'), ...errors(...bodyErrors, ...scoped, 'Forbidden', 'Conflict') }
			}
		},
		'/clinics/{code}/patients/{id}/merge': {
			parameters: [codeParameter, idParameter],
			post: {
				operationId: 'mergePatients',
				summary: 'Merge a duplicate record into this one',
				description:
					'Everything that pointed at the duplicate (appointments, documents…) moves to this record, which keeps its reference and gains the fields it lacked; ' +
					'the duplicate stays, marked merged. Admins and reception.',
				tags,
				requestBody: jsonRequest(mergeInput),
				responses: { '200': jsonResponse('Merged.', 'PatientMerge'), ...errors(...bodyErrors, ...scoped, 'Forbidden', 'Conflict') }
			}
		},
		'/clinics/{code}/patients/{id}/link-code': {
			parameters: [codeParameter, idParameter],
			post: {
				operationId: 'createLinkCode',
				summary: 'Create a one-time code that links a patient’s app account to this record',
				description:
					'The patient enters the code in their app (`POST /me/links`) within 24 hours; it works once. A new code cancels the record’s previous unused one. ' +
					'A record already linked to an account answers 409 `patient_already_linked`. Admins and reception.',
				tags,
				responses: { '201': jsonResponse('The code, shown only this once.', 'LinkCode'), ...errors(...scoped, 'Forbidden', 'Conflict') }
			}
		},
		'/clinics/{code}/patients/{id}/account-link': {
			parameters: [codeParameter, idParameter],
			delete: {
				operationId: 'unlinkPatientAccount',
				summary: 'Unlink the record from its patient’s app account',
				description: 'The account keeps its links to other clinics. A record with no linked account answers 409 `patient_not_linked`. Admins and reception.',
				tags,
				responses: { '204': { description: 'Unlinked.' }, ...errors(...scoped, 'Forbidden', 'Conflict') }
			}
		},
		...clinicalRecordPaths(codeParameter, idParameter),
		'/me/links': {
			get: {
				operationId: 'listAccountLinks',
				summary: 'The clinic records linked to the signed-in patient account',
				tags,
				responses: { '200': jsonResponse('By clinic name.', 'AccountLinks'), ...errors('Unauthenticated') }
			},
			post: {
				operationId: 'linkAccount',
				summary: 'Link the signed-in patient account to a clinic record with a link code',
				description:
					'Case, spaces and the dash do not matter. A wrong code answers 400 `link_code_invalid`, an expired one 400 `link_code_expired`, a used one 409 `link_code_used`; ' +
					'a record linked to another account 409 `patient_already_linked`, and an account already linked to another record of that clinic 409 `account_linked_here`. ' +
					'Wrong, expired and used codes count towards a limit per account (5 an hour) and per client address (20 an hour, whatever the accounts); past either the answer is 429 with Retry-After, even for a right code. Patient accounts only.',
				tags,
				requestBody: jsonRequest(linkInput),
				responses: { '201': jsonResponse('Linked.', 'AccountLink'), ...errors(...bodyErrors, 'Unauthenticated', 'Forbidden', 'Conflict', 'TooManyRequests') }
			}
		}
	}
};
