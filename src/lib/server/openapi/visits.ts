import { z } from 'zod';
import { clinicCode } from '../tenancy/schema';
import { MAX_RESULTS, MIN_QUERY_CHARS } from '../visits/icd10';
import { addendumInput, chartPatchInput, completeVisitInput, openVisitInput, VISIT_SETTINGS } from '../visits/schema';
import { GLUCOSE_KINDS } from '../../sync/contracts/chart';
import { jsonSchemaOf } from './jsonSchema';
import { bodyErrors, errors, idempotent, jsonRequest, jsonResponse, pathParameter } from './common';
import type { ApiContribution, Parameter } from './types';

export const icd10ResultsView = z.object({
	results: z.array(
		z.object({
			code: z.string().meta({ description: 'The ICD-10 code with its dot, as the WHO writes it.', example: 'J45.9' }),
			title: z.string().meta({ description: 'The WHO English title.', example: 'Asthma, unspecified' })
		})
	)
});

const codeParameter: Parameter = pathParameter('code', 'The clinic code, e.g. `SHF01`.', jsonSchemaOf(clinicCode, 'input'));
const idParameter: Parameter = pathParameter('id', 'The visit’s id.', { type: 'string', format: 'uuid' });

/* Responses: parsing through these drops every field the document does not promise. */

export const openedVisitView = z.object({
	id: z.uuid(),
	ref: z.string().meta({ description: 'The human reference: the clinic code, `V` and a number.', example: 'ABC01-V1012' }),
	status: z.literal('open'),
	patientId: z.uuid(),
	doctorId: z.uuid()
});

const vitalsView = z
	.object({
		systolic: z.number().optional().meta({ description: 'mmHg' }),
		diastolic: z.number().optional().meta({ description: 'mmHg' }),
		pulse: z.number().optional().meta({ description: 'beats/min' }),
		temperature: z.number().optional().meta({ description: '°C' }),
		respiratoryRate: z.number().optional().meta({ description: 'breaths/min' }),
		spo2: z.number().optional().meta({ description: '%' }),
		weightKg: z.number().optional(),
		heightCm: z.number().optional(),
		glucose: z.number().optional().meta({ description: 'mg/dL' }),
		bmi: z.number().optional().meta({ description: 'kg/m², computed from weight and height (never written).' })
	})
	.meta({ description: 'Measured values in the API’s units; a key absent was not measured.' });

const notesView = z.object({ symptoms: z.string(), observations: z.string(), diagnosis: z.string(), treatment: z.string() });

export const chartView = z.object({
	vitals: vitalsView,
	glucoseKind: z.enum(GLUCOSE_KINDS).nullable(),
	complaint: z.string(),
	complaintDuration: z.string(),
	history: z.string().meta({ description: 'The history of the present illness, as plain text.' }),
	notes: notesView.meta({ description: 'The clinical notes by category, as plain text (blocks separated by a blank line).' }),
	diagnoses: z.array(z.object({ code: z.string().nullable().meta({ description: 'ICD-10, or null for a free-text diagnosis.' }), title: z.string() })),
	plan: z.string(),
	advice: z.string(),
	reason: z.string().meta({ description: 'Why there is no diagnosis (completion needs a diagnosis or a reason).' }),
	followUp: z.object({ inDays: z.number().int().nullable(), note: z.string() }).nullable()
});

const snapshotView = chartView.extend({
	prescription: z
		.object({
			id: z.uuid(),
			lines: z.array(
				z.object({
					medicineId: z.uuid(),
					dose: z.string(),
					frequency: z.string(),
					durationDays: z.number().int(),
					route: z.string(),
					instructionsEn: z.string(),
					instructionsUr: z.string(),
					quantity: z.number()
				})
			)
		})
		.nullable()
		.meta({ description: 'The prescription issued with the visit, or null.' })
});

export const visitView = z.object({
	id: z.uuid(),
	ref: z.string(),
	status: z.enum(['open', 'completed']),
	patientId: z.uuid(),
	doctorId: z.uuid(),
	setting: z.enum(VISIT_SETTINGS),
	room: z.object({ id: z.uuid(), name: z.string() }).nullable(),
	appointmentId: z.uuid().nullable(),
	tokenId: z.uuid().nullable(),
	startedAt: z.string(),
	completedAt: z.string().nullable(),
	snapshot: snapshotView.nullable().meta({ description: 'Once completed: the chart as it was when completion committed; null while open.' }),
	contentHash: z.string().nullable().meta({ description: 'SHA-256 (hex) of the snapshot’s canonical JSON (keys sorted); null while open.' }),
	addenda: z.array(z.object({ id: z.uuid(), authorId: z.uuid(), authorName: z.string(), text: z.string(), reason: z.string(), createdAt: z.string() }))
});

const visitErrors = (...more: Parameters<typeof errors>) => errors('Unauthenticated', 'NotFound', 'Forbidden', ...more);

/** Visits: the live chart, starting with the diagnosis look-up. */
export const visitsApi: ApiContribution = {
	tag: {
		name: 'visits',
		description:
			'Visits and their chart. While a visit is open its chart is the collaborative document `visit/{id}/chart` (its doctor and the clinic’s nurses write it, the clinic’s other doctors read it); ' +
			'completing the visit snapshots that document into the record, after which only addenda are added. Reception, pharmacists, admins and patients are refused (403).'
	},
	schemas: {
		Icd10Results: jsonSchemaOf(icd10ResultsView, 'output'),
		OpenedVisit: jsonSchemaOf(openedVisitView, 'output'),
		Visit: jsonSchemaOf(visitView, 'output'),
		Chart: jsonSchemaOf(chartView, 'output')
	},
	paths: {
		'/clinics/{code}/visits': {
			parameters: [codeParameter],
			post: idempotent(
				{
					operationId: 'openVisit',
					summary: 'Open a visit outside the queue',
					description:
						'A patient seen directly, at home or by phone (`setting`). A doctor opens one for themselves (`doctorId` may be left out); a nurse names the doctor. ' +
						'A patient with an open visit with that doctor already is refused with 409 `visit_open` (`field` patientId): that visit’s chart is where the consultation goes on. ' +
						'Calling a token opens the visit of a queued patient. Unknown fields are refused.',
					tags: ['visits'],
					requestBody: jsonRequest(openVisitInput),
					responses: { '201': jsonResponse('The visit, open.', 'OpenedVisit'), ...visitErrors(...bodyErrors, 'Conflict') }
				},
				{ required: true }
			)
		},
		'/clinics/{code}/visits/{id}': {
			parameters: [codeParameter, idParameter],
			get: {
				operationId: 'getVisit',
				summary: 'A visit, with its snapshot and addenda once completed',
				description: 'Doctors and nurses of the clinic.',
				tags: ['visits'],
				responses: { '200': jsonResponse('The visit.', 'Visit'), ...visitErrors() }
			}
		},
		'/clinics/{code}/visits/{id}/complete': {
			parameters: [codeParameter, idParameter],
			post: idempotent(
				{
					operationId: 'completeVisit',
					summary: 'Complete the visit',
					description:
						'The visit’s own doctor (nurses write the chart but do not sign it off). The chart as the server holds it at the moment this commits becomes the record (notes, vitals as observations with units and BMI, diagnoses, plan, the prescription, issued), with its content hash; ' +
						'the token (when still with the doctor) and the appointment complete, and the chart becomes read-only for everyone. Edits that reach the server afterwards are refused. ' +
						'422 `chart_incomplete` (`field` diagnoses) without a diagnosis or a reason; 422 `vital_impossible` with the vital’s field (`vitals.pulse`); 422 `icd10_code_unknown` with the diagnosis’s field (`diagnoses.0.code`) when an editor wrote a code that is not in the ICD-10 list (a diagnosis without a code is free text); 409 `visit_completed` once completed. No body is needed when the key comes as a header.',
					tags: ['visits'],
					requestBody: { ...jsonRequest(completeVisitInput), required: false },
					responses: { '200': jsonResponse('The completed visit with its snapshot.', 'Visit'), ...visitErrors(...bodyErrors, 'Conflict') }
				},
				{ required: true }
			)
		},
		'/clinics/{code}/visits/{id}/addenda': {
			parameters: [codeParameter, idParameter],
			post: idempotent(
				{
					operationId: 'addVisitAddendum',
					summary: 'Add a signed addendum to a completed visit',
					description:
						'Any doctor or nurse of the clinic; the author is the caller. Whoever has the completed chart open sees the addendum arrive. 409 `visit_not_completed` while the visit is open.',
					tags: ['visits'],
					requestBody: jsonRequest(addendumInput),
					responses: { '201': jsonResponse('The visit with its addenda in order.', 'Visit'), ...visitErrors(...bodyErrors, 'Conflict') }
				},
				{ required: true }
			)
		},
		'/clinics/{code}/visits/{id}/chart': {
			parameters: [codeParameter, idParameter],
			patch: idempotent(
				{
					operationId: 'writeVisitChart',
					summary: 'Write into the live chart',
					description:
						'For integrations (a vitals monitor). Any part of the snapshot’s shape: a field given replaces that field, a notes category replaces its text, `diagnoses` replaces the list, vitals merge per key (null removes one). A diagnosis `code` must be in the ICD-10 list (`J069` is stored as `J06.9`; another is refused with 400, `fields` naming `diagnoses.N.code` as `icd10_code_unknown`); leave it out, null or empty for a free-text diagnosis. ' +
						'People editing the chart see it arrive. The visit’s doctor or a nurse of the clinic. An impossible value is refused with 400 `vital_impossible` and its field (`vitals.pulse`); 409 `visit_completed` once completed. Unknown fields are refused.',
					tags: ['visits'],
					requestBody: jsonRequest(chartPatchInput),
					responses: { '200': jsonResponse('The chart as it now reads.', 'Chart'), ...visitErrors(...bodyErrors, 'Conflict') }
				},
				{ required: false }
			)
		},
		'/clinics/{code}/icd10': {
			parameters: [codeParameter],
			get: {
				operationId: 'searchIcd10',
				summary: 'Find ICD-10 codes as the doctor types',
				description:
					'The WHO ICD-10 2019 list (every category and subcategory). `q` matches a code with or without its dot (`J45`, `j45.9`, `J459`) ' +
					'and words: every word typed must begin a word of the title, whatever the case or accents. The code itself comes first, then codes ' +
					`beginning with it, then titles, earlier and whole-word matches first, shorter titles first. At most ${MAX_RESULTS} results; ` +
					`fewer than ${MIN_QUERY_CHARS} letters or digits find nothing. Any staff member of the clinic.`,
				tags: ['visits'],
				parameters: [
					{ name: 'q', in: 'query', description: 'What the doctor has typed (at most 100 characters).', schema: { type: 'string', maxLength: 100 } }
				],
				responses: { '200': jsonResponse('Best matches first.', 'Icd10Results'), ...errors('BadRequest', 'Unauthenticated', 'NotFound', 'Forbidden') }
			}
		}
	}
};
