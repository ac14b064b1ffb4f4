import { z } from 'zod';
import { clinicCode } from '../tenancy/schema';
import { acceptReferralInput, createReferralInput, declineReferralInput, REFERRAL_REMINDER_DAYS } from '../referrals/schema';
import { referralStatus } from '../db/schema';
import { jsonSchemaOf } from './jsonSchema';
import { bodyErrors, errors, idempotent, jsonRequest, jsonResponse, pathParameter } from './common';
import type { ApiContribution, Parameter } from './types';

const clinicRef = z.object({ code: z.string(), name: z.string() });

export const referralView = z.object({
	id: z.uuid(),
	ref: z.string().meta({ description: 'The sending clinic’s reference.', example: 'SHF01-R1000' }),
	status: z.enum(referralStatus.enumValues).meta({ description: 'sent → accepted → booked → seen, or declined (with `declineReason`).' }),
	patientId: z.uuid().meta({ description: 'The sending clinic’s record of the patient.' }),
	patientName: z.string(),
	patientRef: z.string(),
	patientPhone: z.string().nullable(),
	visitId: z.uuid().nullable(),
	fromClinic: clinicRef,
	fromDoctorId: z.uuid(),
	fromDoctorName: z.string(),
	toClinic: clinicRef,
	toDoctorId: z.uuid(),
	toDoctorName: z.string(),
	toPatientId: z.uuid().nullable().meta({ description: 'The receiving clinic’s record of the patient, once known (the same record within a clinic).' }),
	note: z.string(),
	discount: z
		.union([z.object({ percent: z.number().int() }), z.object({ amount: z.number().int() })])
		.nullable()
		.meta({ description: 'For billing: a percentage off, or an amount off in integer minor units of the receiving clinic’s currency.' }),
	declineReason: z.string().nullable(),
	appointmentId: z.uuid().nullable(),
	seenVisitId: z.uuid().nullable(),
	createdAt: z.string(),
	updatedAt: z.string()
});
export const referralsView = z.object({ referrals: z.array(referralView) });

const codeParameter: Parameter = pathParameter('code', 'The clinic code, e.g. `SHF01`.', jsonSchemaOf(clinicCode, 'input'));
const idParameter: Parameter = pathParameter('id', 'The referral id.', { type: 'string', format: 'uuid' });
const scoped = ['Unauthenticated', 'NotFound'] as const;

/** Referrals between the doctors of a clinic and of its branches. */
export const referralsApi: ApiContribution = {
	tag: { name: 'referrals', description: 'A doctor refers a patient to a colleague of the same clinic or of a branch (a clinic with the same administrator).' },
	schemas: { Referral: jsonSchemaOf(referralView, 'output'), Referrals: jsonSchemaOf(referralsView, 'output') },
	paths: {
		'/clinics/{code}/referrals': {
			parameters: [codeParameter],
			get: {
				operationId: 'listReferrals',
				summary: 'Referrals to or from the clinic',
				description:
					'`to=me`: those sent to the caller; `from=me`: those the caller sent; neither: every referral to or from the clinic. Newest first, at most 200. The clinic’s doctors and nurses.',
				tags: ['referrals'],
				parameters: [
					{ name: 'to', in: 'query', description: '`me`', schema: { type: 'string', enum: ['me'] } },
					{ name: 'from', in: 'query', description: '`me`', schema: { type: 'string', enum: ['me'] } }
				],
				responses: { '200': jsonResponse('The referrals.', 'Referrals'), ...errors('BadRequest', ...scoped, 'Forbidden') }
			},
			post: idempotent(
				{
					operationId: 'createReferral',
					summary: 'Refer a patient',
					description:
						'A doctor refers a patient of this clinic to another doctor here, or (`toClinic`) to a doctor of a clinic with the same administrator ' +
						'(400 `referral_clinic_invalid` otherwise; 400 `referral_doctor_invalid` for someone who is not a doctor there, or oneself). ' +
						`The receiving clinic’s referrals document shows it at once; unanswered after ${REFERRAL_REMINDER_DAYS} days, the referring doctor is reminded by email.`,
					tags: ['referrals'],
					requestBody: jsonRequest(createReferralInput),
					responses: { '201': jsonResponse('Sent.', 'Referral'), ...errors(...bodyErrors, ...scoped, 'Forbidden') }
				},
				{ required: true }
			)
		},
		'/clinics/{code}/referrals/{id}/accept': {
			parameters: [codeParameter, idParameter],
			post: idempotent(
				{
					operationId: 'acceptReferral',
					summary: 'Accept a referral sent to you',
					description:
						'Only the doctor it is addressed to, in the receiving clinic. From a branch, `patientId` names the receiving clinic’s own record of the patient, so that booking and seeing them here move the referral to `booked` and `seen`. `409 referral_state` once answered.',
					tags: ['referrals'],
					requestBody: jsonRequest(acceptReferralInput),
					responses: { '200': jsonResponse('Accepted.', 'Referral'), ...errors(...bodyErrors, ...scoped, 'Forbidden', 'Conflict') }
				},
				{ required: false }
			)
		},
		'/clinics/{code}/referrals/{id}/decline': {
			parameters: [codeParameter, idParameter],
			post: idempotent(
				{
					operationId: 'declineReferral',
					summary: 'Decline a referral sent to you, with the reason',
					tags: ['referrals'],
					requestBody: jsonRequest(declineReferralInput),
					responses: { '200': jsonResponse('Declined.', 'Referral'), ...errors(...bodyErrors, ...scoped, 'Forbidden', 'Conflict') }
				},
				{ required: false }
			)
		}
	}
};
