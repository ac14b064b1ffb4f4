import type { SessionUser } from '$lib/server/auth/session';
import type { Session } from '$lib/server/db/schema';

declare global {
	namespace App {
		interface Error {
			code?: string;
			message: string;
		}
		interface Locals {
			user: SessionUser | null;
			session: Session | null;
			locale: 'en' | 'ur';
			/** The process's services (database, logger, Redis …; services.ts), handed down by the hooks. */
			services: import('$lib/server/services').Services;
		}
	}
}

export {};
