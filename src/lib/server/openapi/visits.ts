import { z } from 'zod';
import { clinicCode } from '../tenancy/schema';
import { MAX_RESULTS, MIN_QUERY_CHARS } from '../visits/icd10';
import { jsonSchemaOf } from './jsonSchema';
import { errors, jsonResponse, pathParameter } from './common';
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

/** Visits: the live chart, starting with the diagnosis look-up. */
export const visitsApi: ApiContribution = {
	tag: { name: 'visits', description: 'The visit chart: diagnoses coded with ICD-10.' },
	schemas: { Icd10Results: jsonSchemaOf(icd10ResultsView, 'output') },
	paths: {
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
