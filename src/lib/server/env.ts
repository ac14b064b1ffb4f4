import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * The one place that reads the process environment. Shared by the SvelteKit app, the sync
 * server, workers and scripts, so it must not import `$env`.
 */
const schema = z.object({
	NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
	DATABASE_URL: z
		.string()
		.refine((v) => /^postgres(ql)?:\/\//.test(v), 'must start with postgres:// or postgresql://')
		.optional(),
	DATA_DIR: z.string().min(1).default('./data'),
	PORT: z.coerce.number().int().min(1).max(65535).default(3000),
	HOST: z.string().min(1).default('0.0.0.0'),
	ORIGIN: z.url().optional(),
	REDIS_URL: z
		.string()
		.refine((v) => /^rediss?:\/\//.test(v), 'must start with redis:// or rediss://')
		.optional(),
	/** Namespaces every Redis key, so several installations (or test runs) can share one Redis. */
	REDIS_PREFIX: z
		.string()
		.regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, _ and - only')
		.default('tabeeb'),
	SMTP_URL: z.string().optional(),
	MAIL_FROM: z.string().default('Tabeeb <no-reply@tabeeb.local>'),
	LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
	SECURE_COOKIES: z.enum(['true', 'false']).optional(),
	LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).default(5)
});

export type Env = z.infer<typeof schema> & { dataDir: string; secureCookies: boolean };

export class EnvError extends Error {}

export function parseEnv(source: Record<string, string | undefined>): Env {
	const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
	const result = schema.safeParse(cleaned);
	if (!result.success) {
		const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
		throw new EnvError(`Tabeeb cannot start: the environment has bad values:\n${lines.join('\n')}`);
	}
	const parsed = result.data;
	const secureCookies =
		parsed.SECURE_COOKIES !== undefined
			? parsed.SECURE_COOKIES === 'true'
			: (parsed.ORIGIN?.startsWith('https://') ?? false);
	return { ...parsed, dataDir: resolve(parsed.DATA_DIR), secureCookies };
}

let cached: Env | undefined;

export function env(): Env {
	cached ??= parseEnv(process.env);
	return cached;
}
