import { z } from 'zod';
import { clinicCode } from '../tenancy/schema';
import { medicineInput } from '../pharmacy/schema';
import { prescriptionInput } from '../prescribing/schema';
import { jsonSchemaOf } from './jsonSchema';
import { bodyErrors, errors, idempotent, jsonRequest, jsonResponse, pathParameter } from './common';
import type { ApiContribution, Parameter } from './types';

const template = z.object({ dose: z.string(), frequency: z.string(), durationDays: z.number().int(), instructions: z.string() });

export const medicineView = z.object({
	id: z.uuid(),
	genericName: z.string().meta({ example: 'amoxicillin' }),
	brandNames: z.array(z.string()),
	form: z.string().meta({ example: 'tablet' }),
	strength: z.string().meta({ example: '500 mg' }),
	route: z.string().meta({ example: 'oral' }),
	atcCode: z.string().nullable().meta({ description: 'The WHO ATC code (or class) that allergy and interaction warnings read.', example: 'J01CA04' }),
	dosageTemplates: z.array(template).meta({ description: 'Ready-made lines the prescriber can pick.' })
});
export const medicineResultsView = z.object({ results: z.array(medicineView) });

export const warningView = z.object({
	id: z.string().meta({
		description: 'Stable for the same prescription content: `allergy:<medicineId>`, `duplicate:<medicineId>`, `interaction:<idA>:<idB>` (ids sorted).',
		example: 'allergy:0b6f7c1e-8c1f-4d0e-9a55-2f1c3a7d9e10'
	}),
	kind: z.enum(['allergy', 'duplicate', 'interaction']),
	message: z.string().meta({ description: 'The warning as a sentence, in the caller’s language.' }),
	override: z
		.object({ reason: z.string(), at: z.string().meta({ description: 'ISO 8601 instant (UTC).' }) })
		.nullable()
		.meta({ description: 'The reason the prescriber gave when overriding it, or null.' })
});

export const prescriptionView = z.object({
	id: z.uuid().nullable().meta({ description: 'null before the first save.' }),
	visitId: z.uuid(),
	visitStatus: z.enum(['open', 'completed']),
	issuedAt: z.string().nullable().meta({ description: 'Set when the visit completes; from then on nothing changes it.' }),
	urgent: z.boolean().meta({ description: 'The doctor asked the pharmacy to serve it first.' }),
	lines: z.array(
		z.object({
			id: z.uuid(),
			medicineId: z.uuid(),
			genericName: z.string(),
			form: z.string(),
			strength: z.string(),
			dose: z.string().meta({ example: '1 tablet' }),
			frequency: z.string().meta({ example: '1+0+1' }),
			durationDays: z.number().int(),
			route: z.string(),
			instructions: z.string().meta({ description: 'English.' }),
			instructionsUr: z.string().meta({ description: 'Urdu.' }),
			quantity: z.number().meta({ description: 'Units to dispense, in the dose’s unit (tablets, capsules, mL, puffs).' }),
			inStock: z.number().int().meta({ description: 'Units the pharmacy may dispense today (not expired or too close to expiry); 0 means out of stock.' })
		})
	),
	warnings: z.array(warningView).meta({ description: 'The warnings the prescription raises now, each with its override.' })
});

const codeParameter: Parameter = pathParameter('code', 'The clinic code, e.g. `SHF01`.', jsonSchemaOf(clinicCode, 'input'));
const tags = ['pharmacy'];

/** The medicine catalogue and prescribing. */
export const pharmacyApi: ApiContribution = {
	tag: { name: 'pharmacy', description: 'The clinic’s medicine catalogue and the prescriptions written from it.' },
	schemas: {
		Medicine: jsonSchemaOf(medicineView, 'output'),
		MedicineResults: jsonSchemaOf(medicineResultsView, 'output'),
		Prescription: jsonSchemaOf(prescriptionView, 'output')
	},
	paths: {
		'/clinics/{code}/medicines': {
			parameters: [codeParameter],
			get: {
				operationId: 'searchMedicines',
				summary: 'Find medicines in the clinic’s catalogue as the prescriber types',
				description:
					'The catalogue starts as the WHO Model List of Essential Medicines (with ATC codes) and grows with what the clinic adds or imports. ' +
					'The exact generic name comes first, then generic names beginning with `q`, then names with a word beginning with it, then brand names ' +
					'beginning with it; at most 30. An empty `q` finds nothing. Any staff member of the clinic.',
				tags,
				parameters: [{ name: 'q', in: 'query', description: 'What was typed (at most 120 characters).', schema: { type: 'string', maxLength: 120 } }],
				responses: { '200': jsonResponse('Best matches first.', 'MedicineResults'), ...errors('BadRequest', 'Unauthenticated', 'NotFound', 'Forbidden') }
			},
			post: idempotent(
				{
					operationId: 'addMedicine',
					summary: 'Add a medicine to the clinic’s catalogue',
					description:
						'Admins and doctors. One entry per generic name (whatever its case), form and strength: a second is 409 `medicine_exists` (field `genericName`). ' +
						'`atcCode` (a code such as J01CA04 or a class such as J01C) makes allergy and interaction warnings work for it.',
					tags,
					requestBody: jsonRequest(medicineInput),
					responses: { '201': jsonResponse('Added.', 'Medicine'), ...errors(...bodyErrors, 'Unauthenticated', 'NotFound', 'Forbidden', 'Conflict') }
				},
				{ required: false }
			)
		},
		'/clinics/{code}/visits/{id}/prescription.pdf': {
			parameters: [codeParameter, pathParameter('id', 'The visit’s id.', { type: 'string', format: 'uuid' })],
			get: {
				operationId: 'getPrescriptionPdf',
				summary: 'A visit’s prescription as an A5 PDF',
				description:
					'Doctors, nurses and pharmacists of the clinic. Urdu instructions are shaped (HarfBuzz, Noto Nastaliq Urdu) and ordered (the Unicode ' +
					'bidirectional algorithm) as a browser shows them; labels are in the caller’s language. The printable page ' +
					'`/{code}/visits/{id}/prescription/print` (A5 or A4) is the same content for a browser.',
				tags,
				responses: {
					'200': { description: 'The PDF.', content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } },
					...errors('Unauthenticated', 'NotFound', 'Forbidden')
				}
			}
		},
		'/clinics/{code}/visits/{id}/prescription': {
			parameters: [codeParameter, pathParameter('id', 'The visit’s id.', { type: 'string', format: 'uuid' })],
			get: {
				operationId: 'getPrescription',
				summary: 'A visit’s prescription, with its warnings as they stand now',
				description: 'Doctors, nurses and pharmacists of the clinic. Before the first save, `id` is null and there are no lines.',
				tags,
				responses: { '200': jsonResponse('The prescription.', 'Prescription'), ...errors('Unauthenticated', 'NotFound', 'Forbidden') }
			},
			put: idempotent(
				{
					operationId: 'putPrescription',
					summary: 'Write a visit’s prescription',
					description:
						'The visit’s own doctor, while the visit is open (409 `visit_completed` after). The lines replace those saved before. ' +
						'`frequency` is `1+0+1` / `1-0-1` / `1+1+1+1` (morning, afternoon, [evening,] night; halves as ½), OD, BD, TDS, QID, HS, Q6H, or SOS/PRN. ' +
						'`quantity` is computed as units per dose × doses a day × days when the dose counts units ("1 tablet", "2 caps", "½ tablet", "5 mL", or the ' +
						'strength of a tablet such as "500 mg" of a 500 mg tablet); for SOS/PRN and other doses it must be given (400 `quantity_required`). ' +
						'English and Urdu instructions are generated from dose, frequency and duration when not given. Warnings are worked out at this moment: the ' +
						'patient’s recorded allergies (by substance, and by ATC class: a penicillin allergy J01C warns for amoxicillin J01CA04), the same medicine ' +
						'or substance twice, and the shipped interactions table. Any warning not overridden (in `overrides`, with a reason, or by an earlier save ' +
						'of this prescription) answers 422 `prescription_warning` with `error.warnings` `[{id, kind, message}]`, and nothing is saved. ' +
						'Overrides are kept for good with their reason.',
					tags,
					requestBody: jsonRequest(prescriptionInput),
					responses: {
						'200': jsonResponse('The prescription as saved.', 'Prescription'),
						...errors(...bodyErrors, 'Unauthenticated', 'NotFound', 'Forbidden', 'Conflict')
					}
				},
				{ required: true }
			)
		}
	}
};
