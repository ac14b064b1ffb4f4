import { z } from 'zod';
import { ROLES, clinicStatus, doctorListing, membershipStatus } from '../db/schema';
import { clinicCode, clinicInput, doctorProfileInput, memberInput, password, role, setupInput } from '../tenancy/schema';
import { jsonSchemaOf } from './jsonSchema';
import { bodyErrors, errors, jsonRequest, jsonResponse, pathParameter } from './common';
import { userView } from './auth';
import type { ApiContribution, Parameter } from './types';

/* Request bodies the API adds on top of the domain's own input schemas. */

/** PATCH a member: a new role, a new status, or both (role first; see the route). */
export const memberUpdateInput = z
	.object({ role: role.optional(), status: z.enum(membershipStatus.enumValues).optional() })
	.meta({ anyOf: [{ required: ['role'] }, { required: ['status'] }] });

/** Same rule as `resetMemberPassword` applies. */
export const passwordResetInput = z.object({ password });

/* Responses: parsing through these drops every field the document does not promise. */

export const clinicSummaryView = z.object({ id: z.uuid(), code: z.string(), name: z.string() });

export const setupView = z.object({ clinic: clinicSummaryView, admin: userView });

export const clinicView = z.object({
	id: z.uuid(),
	code: z.string(),
	name: z.string(),
	country: z.string(),
	state: z.string(),
	city: z.string(),
	timezone: z.string(),
	currency: z.string(),
	currencyExponent: z.number().int().meta({
		description: 'Digits after the decimal point of the currency (ISO 4217 minor unit), fixed when the clinic was created: every amount is integer minor units.'
	}),
	status: z.enum(clinicStatus.enumValues),
	parentClinicId: z.uuid().nullable()
});

export const memberView = z.object({
	membershipId: z.uuid(),
	userId: z.uuid(),
	email: z.string(),
	name: z.string(),
	role: z.enum(ROLES),
	status: z.enum(membershipStatus.enumValues),
	twoFactorEnabled: z.boolean(),
	invited: z.boolean().meta({ description: 'Invited by email and has not set a password yet (see resendMemberInvitation).' }),
	specialization: z.string().nullable(),
	registrationNumber: z.string().nullable(),
	consultationFee: z.number().int().nullable().meta({ description: 'Integer minor units of the clinic currency; null unless a doctor profile exists.' }),
	listing: z.enum(doctorListing.enumValues).nullable()
});

export const membersView = z.object({ members: z.array(memberView) });

export const addedMemberView = z.object({
	membershipId: z.uuid(),
	userId: z.uuid(),
	email: z.string(),
	name: z.string(),
	role: z.enum(ROLES),
	newAccount: z.boolean().optional().meta({ description: 'False when the email already had an account, which keeps its own password.' }),
	invited: z
		.boolean()
		.optional()
		.meta({ description: 'True when no password was given and the person was emailed a single-use link to set their own (valid 7 days).' })
});

export const invitationView = z.object({ expiresAt: z.iso.datetime({ offset: true }) });

export const memberStateView = z.object({ userId: z.uuid(), role: z.enum(ROLES), status: z.enum(membershipStatus.enumValues) });

export const passwordResetView = z.object({ userId: z.uuid() });

export const doctorProfileView = z.object({
	userId: z.uuid(),
	specialization: z.string(),
	registrationNumber: z.string(),
	consultationFee: z.number().int().meta({ description: 'Integer minor units of the clinic currency.' }),
	listing: z.enum(doctorListing.enumValues)
});

const codeParameter: Parameter = pathParameter('code', 'The clinic code, e.g. `SHF01` (case-insensitive).', jsonSchemaOf(clinicCode, 'input'));
const userIdParameter: Parameter = pathParameter('userId', 'The member’s user id.', { type: 'string', format: 'uuid' });

const clinicScoped = ['Unauthenticated', 'NotFound'] as const;

export const tenancyApi: ApiContribution = {
	tag: { name: 'clinics', description: 'Installation, clinics, their staff and doctor profiles. Another clinic’s resources answer 404.' },
	schemas: {
		Setup: jsonSchemaOf(setupView, 'output'),
		Clinic: jsonSchemaOf(clinicView, 'output'),
		Member: jsonSchemaOf(memberView, 'output'),
		Members: jsonSchemaOf(membersView, 'output'),
		Invitation: jsonSchemaOf(invitationView, 'output'),
		AddedMember: jsonSchemaOf(addedMemberView, 'output'),
		MemberState: jsonSchemaOf(memberStateView, 'output'),
		PasswordReset: jsonSchemaOf(passwordResetView, 'output'),
		DoctorProfile: jsonSchemaOf(doctorProfileView, 'output')
	},
	paths: {
		'/setup': {
			post: {
				operationId: 'setup',
				summary: 'First run: create the first clinic and its admin',
				description: 'Succeeds once per installation; afterwards, and for the loser of two simultaneous calls, 409 `already_setup`.',
				tags: ['clinics'],
				security: [],
				requestBody: jsonRequest(setupInput),
				responses: { '201': jsonResponse('Set up.', 'Setup'), ...errors(...bodyErrors, 'Conflict') }
			}
		},
		'/clinics': {
			post: {
				operationId: 'createClinic',
				summary: 'Create a further clinic (a branch); the caller becomes its admin',
				description: 'Only an admin of some clinic may do this. A taken code answers 409 `clinic_code_taken`.',
				tags: ['clinics'],
				requestBody: jsonRequest(clinicInput),
				responses: { '201': jsonResponse('Created.', 'Clinic'), ...errors(...bodyErrors, 'Unauthenticated', 'Forbidden', 'Conflict') }
			}
		},
		'/clinics/{code}/members': {
			parameters: [codeParameter],
			get: {
				operationId: 'listMembers',
				summary: 'The clinic’s staff, with doctor profiles',
				tags: ['clinics'],
				responses: { '200': jsonResponse('The members.', 'Members'), ...errors(...clinicScoped, 'Forbidden') }
			},
			post: {
				operationId: 'addMember',
				summary: 'Add a person to the clinic',
				description:
					'A new email makes a staff account with the given password, usable at once; without `password` the person is invited by email ' +
					'(a single-use link to set their own password, valid 7 days; with `SMTP_URL` unset the email is written to the log). ' +
					'An existing account just gains the membership. Admins only.',
				tags: ['clinics'],
				requestBody: jsonRequest(memberInput),
				responses: { '201': jsonResponse('Added.', 'AddedMember'), ...errors(...bodyErrors, ...clinicScoped, 'Forbidden', 'Conflict') }
			}
		},
		'/clinics/{code}/members/{userId}': {
			parameters: [codeParameter, userIdParameter],
			patch: {
				operationId: 'updateMember',
				summary: 'Change a member’s role and/or status (active, suspended, removed)',
				description: 'Admins only. A clinic keeps at least one active admin (409 `last_admin`).',
				tags: ['clinics'],
				requestBody: jsonRequest(memberUpdateInput),
				responses: { '200': jsonResponse('Updated.', 'MemberState'), ...errors(...bodyErrors, ...clinicScoped, 'Forbidden', 'Conflict') }
			}
		},
		'/clinics/{code}/members/{userId}/password': {
			parameters: [codeParameter, userIdParameter],
			post: {
				operationId: 'resetMemberPassword',
				summary: 'Set a new password for a member',
				description: 'Admins only. Every session of that person ends, and they must choose their own password at the next web sign-in.',
				tags: ['clinics'],
				requestBody: jsonRequest(passwordResetInput),
				responses: { '200': jsonResponse('Reset.', 'PasswordReset'), ...errors(...bodyErrors, ...clinicScoped, 'Forbidden') }
			}
		},
		'/clinics/{code}/members/{userId}/invitation': {
			parameters: [codeParameter, userIdParameter],
			post: {
				operationId: 'resendMemberInvitation',
				summary: 'Email a new invitation to a member who has not set their password yet',
				description: 'Admins only. The earlier link stops working. A member who has already joined answers 409 `already_joined`.',
				tags: ['clinics'],
				responses: { '201': jsonResponse('Sent.', 'Invitation'), ...errors(...clinicScoped, 'Forbidden', 'Conflict') }
			}
		},
		'/clinics/{code}/members/{userId}/two-factor': {
			parameters: [codeParameter, userIdParameter],
			delete: {
				operationId: 'resetMemberTwoFactor',
				summary: 'Turn off a member’s two-factor authentication (lost phone and recovery codes)',
				description:
					'Admins only, and only for someone whose every clinic the caller administers (403 `member_in_other_clinic`); never the caller themself (403 `own_two_factor_reset`). ' +
					'Every session of that person ends; a clinic that requires 2FA makes them set it up again. A member without 2FA answers 409 `two_factor_off`.',
				tags: ['clinics'],
				responses: { '204': { description: 'Turned off.' }, ...errors(...clinicScoped, 'Forbidden', 'Conflict') }
			}
		},
		'/clinics/{code}/doctors/{userId}/profile': {
			parameters: [codeParameter, userIdParameter],
			put: {
				operationId: 'putDoctorProfile',
				summary: 'Replace a doctor’s profile in this clinic',
				description: 'Admins, or the doctor themself. Omitted fields take their defaults.',
				tags: ['clinics'],
				requestBody: jsonRequest(doctorProfileInput),
				responses: { '200': jsonResponse('Saved.', 'DoctorProfile'), ...errors(...bodyErrors, ...clinicScoped, 'Forbidden') }
			}
		}
	}
};
