import { z } from 'zod';
import { email, password, personName } from '../tenancy/schema';

export const loginInput = z.object({
	email: z.string().trim().toLowerCase().min(1).max(254),
	password: z.string().min(1).max(200),
	totp: z.string().trim().max(20).optional()
});
export type LoginInput = z.infer<typeof loginInput>;

export const signupInput = z.object({ name: personName, email, password });

export const changePasswordInput = z.object({ currentPassword: z.string().min(1).max(200), newPassword: password });

export const totpCodeInput = z.object({ code: z.string().trim().min(1).max(20) });
