import { z } from 'zod';
import { allergyInput, bloodGroupInput, BLOOD_GROUPS, conditionInput, medicationInput, SEVERITIES } from '../patients/recordSchema';
import { jsonSchemaOf } from './jsonSchema';
import { bodyErrors, errors, idempotent, jsonRequest, jsonResponse, pathParameter } from './common';
import type { Parameter, PathItem } from './types';

/* The patient's clinical record: allergies, chronic conditions and current medications (part of the patients tag). */

const instant = z.string().meta({ description: 'ISO 8601 instant (UTC).' });
const recordedBy = z.uuid().meta({ description: 'The user who recorded it.' });

export const allergyView = z.object({
	id: z.uuid(),
	substance: z.string().meta({ example: 'Penicillin' }),
	reaction: z.string().meta({ example: 'Hives' }),
	severity: z.enum(SEVERITIES),
	atcCode: z.string().nullable().meta({
		description:
			'The ATC code of the medicine or class the substance names (`J01C` for penicillins, `J01CA04` for amoxicillin), so prescribing warns by class; null for anything else (foods, latex).',
		example: 'J01C'
	}),
	recordedAt: instant,
	recordedBy
});

export const conditionView = z.object({
	id: z.uuid(),
	name: z.string().meta({ example: 'Type 2 diabetes' }),
	code: z.string().nullable().meta({ description: 'ICD-10 code, as the WHO writes it.', example: 'E11.9' }),
	since: z.string().meta({ description: 'As told ("2019", "childhood").' }),
	recordedAt: instant,
	recordedBy
});

export const medicationView = z.object({
	id: z.uuid(),
	name: z.string().meta({ example: 'Metformin' }),
	dose: z.string().meta({ example: '500 mg twice a day' }),
	recordedAt: instant,
	recordedBy
});

export const bloodGroupView = z.object({ bloodGroup: z.enum(BLOOD_GROUPS).nullable() });

export const clinicalRecordSchemas = {
	BloodGroup: jsonSchemaOf(bloodGroupView, 'output'),
	Allergy: jsonSchemaOf(allergyView, 'output'),
	Allergies: jsonSchemaOf(z.object({ allergies: z.array(allergyView) }), 'output'),
	Condition: jsonSchemaOf(conditionView, 'output'),
	Conditions: jsonSchemaOf(z.object({ conditions: z.array(conditionView) }), 'output'),
	Medication: jsonSchemaOf(medicationView, 'output'),
	Medications: jsonSchemaOf(z.object({ medications: z.array(medicationView) }), 'output')
};

const tags = ['patients'];
const scoped = ['Unauthenticated', 'NotFound', 'Forbidden'] as const;
const readers = 'Doctors, nurses and pharmacists (who check allergies when dispensing); never admins or reception.';
const writers = 'Doctors and nurses.';

type Kind = {
	plural: 'allergies' | 'conditions' | 'medications';
	one: 'Allergy' | 'Condition' | 'Medication';
	idName: string;
	list: string;
	add: string;
	end: string;
	input: z.ZodType;
	listSummary: string;
	addSummary: string;
	addDescription: string;
	endSummary: string;
};

const kinds: Kind[] = [
	{
		plural: 'allergies',
		one: 'Allergy',
		idName: 'allergyId',
		list: 'listAllergies',
		add: 'recordAllergy',
		end: 'removeAllergy',
		input: allergyInput,
		listSummary: 'The patient’s allergies in force, the severe first',
		addSummary: 'Record an allergy',
		addDescription:
			'`severity` is `mild`, `moderate` or `severe`. A substance naming a medicine of the WHO list or a well-known class (penicillins, sulfonamides, NSAIDs …) gets its `atcCode`.',
		endSummary: 'Remove an allergy recorded in error or no longer true (the row is kept, with who removed it and when; it is listed no more)'
	},
	{
		plural: 'conditions',
		one: 'Condition',
		idName: 'conditionId',
		list: 'listConditions',
		add: 'recordCondition',
		end: 'resolveCondition',
		input: conditionInput,
		listSummary: 'The patient’s chronic conditions, unresolved',
		addSummary: 'Record a chronic condition',
		addDescription: '`code`, when given, must be an ICD-10 code of the shipped WHO list (400 `icd10_code_unknown` otherwise); the dot and case do not matter.',
		endSummary: 'Resolve a condition (the row is kept; it is listed no more)'
	},
	{
		plural: 'medications',
		one: 'Medication',
		idName: 'medicationId',
		list: 'listMedications',
		add: 'recordMedication',
		end: 'stopMedication',
		input: medicationInput,
		listSummary: 'The medicines the patient takes now',
		addSummary: 'Record a current medication',
		addDescription: 'A medicine taken now, prescribed here or elsewhere.',
		endSummary: 'Stop a medication (the row is kept; it is listed no more)'
	}
];

export function clinicalRecordPaths(code: Parameter, id: Parameter): Record<string, PathItem> {
	const paths: Record<string, PathItem> = {};
	for (const k of kinds) {
		paths[`/clinics/{code}/patients/{id}/${k.plural}`] = {
			parameters: [code, id],
			get: {
				operationId: k.list,
				summary: k.listSummary,
				description: readers,
				tags,
				responses: { '200': jsonResponse('In force.', `${k.one === 'Allergy' ? 'Allergies' : k.one + 's'}`), ...errors(...scoped) }
			},
			post: idempotent(
				{
					operationId: k.add,
					summary: k.addSummary,
					description: `${k.addDescription} Unknown fields are refused. A merged-away record answers 409 \`patient_merged\`. ${writers}`,
					tags,
					requestBody: jsonRequest(k.input),
					responses: { '201': jsonResponse('Recorded.', k.one), ...errors(...bodyErrors, ...scoped, 'Conflict') }
				},
				{ required: true }
			)
		};
		paths[`/clinics/{code}/patients/{id}/${k.plural}/{${k.idName}}`] = {
			parameters: [code, id, pathParameter(k.idName, `The ${k.one.toLowerCase()} entry’s id.`, { type: 'string', format: 'uuid' })],
			delete: idempotent(
				{
					operationId: k.end,
					summary: k.endSummary,
					description: `An entry already ended, or of another record, answers 404. ${writers}`,
					tags,
					responses: { '204': { description: 'Done.' }, ...errors(...scoped, 'Conflict') }
				},
				{ required: false }
			)
		};
	}
	paths['/clinics/{code}/patients/{id}/blood-group'] = {
		parameters: [code, id],
		put: idempotent(
			{
				operationId: 'setBloodGroup',
				summary: 'Set (or, with null, clear) the patient’s blood group',
				description: `ABO and Rh as a lab report writes it: A+, A-, B+, B-, AB+, AB-, O+, O-. A merged-away record answers 409 \`patient_merged\`. ${writers}`,
				tags,
				requestBody: jsonRequest(bloodGroupInput),
				responses: { '200': jsonResponse('Set.', 'BloodGroup'), ...errors(...bodyErrors, ...scoped, 'Conflict') }
			},
			{ required: false }
		)
	};
	return paths;
}
