import { z } from 'zod';
import { ROLES } from '../db/schema';
import { loginInput } from '../auth/schema';
import { jsonSchemaOf } from './jsonSchema';
import { bodyErrors, errors, jsonRequest, jsonResponse } from './common';
import type { ApiContribution } from './types';

/** The person as the API shows them: never the password hash, TOTP key or flags. */
export const userView = z.object({ id: z.uuid(), email: z.string(), name: z.string() });

export const loginView = z.object({
	user: userView,
	token: z.string().meta({ description: 'The session token, for `Authorization: Bearer <token>`; the same session is also set as the `session` cookie.' }),
	expiresAt: z.iso.datetime({ offset: true })
});

export const membershipView = z.object({
	clinicId: z.uuid(),
	clinicCode: z.string(),
	clinicName: z.string(),
	role: z.enum(ROLES)
});

export const meView = z.object({ user: userView, memberships: z.array(membershipView) });

export const authApi: ApiContribution = {
	tag: { name: 'auth', description: 'Signing in and out, and who the caller is.' },
	schemas: {
		User: jsonSchemaOf(userView, 'output'),
		Login: jsonSchemaOf(loginView, 'output'),
		Membership: jsonSchemaOf(membershipView, 'output'),
		Me: jsonSchemaOf(meView, 'output')
	},
	paths: {
		'/auth/login': {
			post: {
				operationId: 'login',
				summary: 'Sign in with email and password (and the TOTP code when the account has two-factor authentication)',
				description:
					'Sets the `session` cookie (httpOnly, SameSite=Lax, Secure in production) and returns the same token for bearer use. ' +
					'Failures are counted per account and per address; past the limit the answer is 429 with Retry-After. ' +
					'Each TOTP code is accepted once: a code already used (or one older than the last accepted) answers 401 `totp_invalid`.',
				tags: ['auth'],
				security: [],
				requestBody: jsonRequest(loginInput),
				responses: {
					'200': {
						...jsonResponse('Signed in.', 'Login'),
						headers: { 'Set-Cookie': { description: 'The `session` cookie.', schema: { type: 'string' } } }
					},
					...errors(...bodyErrors, 'TooManyRequests'),
					'401': {
						description: 'Wrong email or password (`invalid_credentials`), or a TOTP code is needed (`totp_required`) or wrong (`totp_invalid`).',
						content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } }
					}
				}
			}
		},
		'/auth/logout': {
			post: {
				operationId: 'logout',
				summary: 'End the current session (cookie or bearer) and clear the cookie',
				description: 'Answers 204 whether or not a session was present, so it is safe to repeat.',
				tags: ['auth'],
				security: [],
				responses: { '204': { description: 'Signed out.' } }
			}
		},
		'/me': {
			get: {
				operationId: 'getMe',
				summary: 'The signed-in person and the clinics they work in',
				tags: ['auth'],
				responses: { '200': jsonResponse('The caller.', 'Me'), ...errors('Unauthenticated') }
			}
		}
	}
};
