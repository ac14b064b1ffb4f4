import { z } from 'zod';
import { clinicCode } from '../tenancy/schema';
import { patientDocumentKind } from '../db/schema/patients';
import { ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES } from '../visits/attachmentType';
import { jsonSchemaOf, type JsonSchema } from './jsonSchema';
import { errors, idempotent, jsonResponse, pathParameter } from './common';
import type { ApiContribution, Parameter } from './types';

/* Responses: parsing through these drops every field the document does not promise. */

export const attachmentView = z.object({
	id: z.uuid(),
	kind: z.enum(patientDocumentKind.enumValues).meta({ description: '`photo`, `voice_note`, or for a PDF `lab_report`, `referral_letter` or `other`.' }),
	fileName: z.string(),
	contentType: z.enum(ATTACHMENT_TYPES).meta({ description: 'What the bytes were found to be (never the uploader’s claim).' }),
	sizeBytes: z.number().int(),
	createdAt: z.string(),
	uploadedBy: z.uuid().nullable(),
	uploadedByName: z.string().nullable()
});

export const attachmentListView = z.object({ attachments: z.array(attachmentView) });

const codeParameter: Parameter = pathParameter('code', 'The clinic code, e.g. `SHF01`.', jsonSchemaOf(clinicCode, 'input'));
const idParameter: Parameter = pathParameter('id', 'The visit’s id.', { type: 'string', format: 'uuid' });
const MB = MAX_ATTACHMENT_BYTES / (1024 * 1024);

const uploadSchema: JsonSchema = {
	type: 'object',
	required: ['file'],
	properties: {
		file: { type: 'string', format: 'binary' },
		kind: { type: 'string', enum: ['lab_report', 'referral_letter', 'other'] },
		idempotencyKey: { type: 'string', minLength: 8, maxLength: 100 }
	}
};

/** The chart's attachments: photos, PDFs and voice notes kept in the patient's document store under the visit. */
export const visitAttachmentsApi: ApiContribution = {
	tag: {
		name: 'visit-attachments',
		description:
			'Photos, PDFs and voice notes on a visit’s chart, kept in the patient’s document store under the visit. Clinical like the chart: its doctors and nurses only; the desk’s patient documents leave them out.'
	},
	schemas: {
		VisitAttachment: jsonSchemaOf(attachmentView, 'output'),
		VisitAttachments: jsonSchemaOf(attachmentListView, 'output')
	},
	paths: {
		'/clinics/{code}/visits/{id}/attachments': {
			parameters: [codeParameter, idParameter],
			get: {
				operationId: 'listVisitAttachments',
				summary: 'A visit’s attachments, oldest first',
				description: 'Doctors and nurses of the clinic (like the chart).',
				tags: ['visit-attachments'],
				responses: { '200': jsonResponse('The attachments.', 'VisitAttachments'), ...errors('Unauthenticated', 'NotFound', 'Forbidden') }
			},
			post: idempotent(
				{
					operationId: 'addVisitAttachment',
					summary: 'Attach a photo, a PDF or a voice note to the chart',
					description:
						'`multipart/form-data` with the file in `file` and, for a PDF, an optional `kind` (`lab_report`, `referral_letter`, `other`). ' +
						'The visit’s doctor or a nurse of the clinic, while the visit is open and after it is completed (like an addendum). ' +
						`What the file is comes from its bytes: JPEG, PNG, WebP, PDF, or audio in WebM, Ogg or MP4; anything else is 400 \`attachment_type\`, over ${MB} MB 413 \`file_too_large\`, no file 400 \`field_required\`. ` +
						'Attachments are append-only: they are never deleted (the patient’s document delete answers 409 `attachment_append_only`).',
					tags: ['visit-attachments'],
					requestBody: {
						required: true,
						content: {
							'multipart/form-data': {
								schema: uploadSchema
							}
						}
					},
					responses: {
						'201': jsonResponse('The attachment as stored.', 'VisitAttachment'),
						...errors('Unauthenticated', 'NotFound', 'Forbidden', 'BadRequest', 'PayloadTooLarge', 'UnsupportedMediaType')
					}
				},
				{ required: false }
			)
		},
		'/clinics/{code}/visits/{id}/attachments/{attachmentId}': {
			parameters: [codeParameter, idParameter, pathParameter('attachmentId', 'The attachment’s id.', { type: 'string', format: 'uuid' })],
			get: {
				operationId: 'getVisitAttachment',
				summary: 'An attachment’s bytes',
				description:
					'Doctors and nurses of the clinic. Streamed with the type found at upload, `Content-Disposition: attachment` and a sandboxing policy; each download is audited (`visit.attachment.view`).',
				tags: ['visit-attachments'],
				responses: {
					'200': {
						description: 'The file.',
						content: Object.fromEntries(ATTACHMENT_TYPES.map((type) => [type, { schema: { type: 'string', format: 'binary' } }]))
					},
					...errors('Unauthenticated', 'NotFound', 'Forbidden')
				}
			}
		}
	}
};
