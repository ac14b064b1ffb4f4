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
	SMTP_URL: z
		.string()
		.refine((v) => /^smtps?:\/\//.test(v), 'must start with smtp:// or smtps://')
		.optional(),
	MAIL_FROM: z.string().default('Tabeeb <no-reply@tabeeb.local>'),
	/** Web push (VAPID) keys as `web-push generate-vapid-keys` prints them; unset, a pair is generated once and kept in the database. */
	VAPID_PUBLIC_KEY: z
		.string()
		.regex(/^[A-Za-z0-9_-]{87}$/, 'a base64url P-256 public key (87 characters)')
		.optional(),
	VAPID_PRIVATE_KEY: z
		.string()
		.regex(/^[A-Za-z0-9_-]{43}$/, 'a base64url P-256 private key (43 characters)')
		.optional(),
	/** Who push services may contact about this sender: a mailto: or https: address. */
	VAPID_SUBJECT: z
		.string()
		.refine((v) => /^(mailto:\S+@\S+|https:\/\/\S+)$/.test(v), 'must be a mailto: or https:// address')
		.optional(),
	LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
	SECURE_COOKIES: z.enum(['true', 'false']).optional(),
	LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).default(5),
	/** Largest encoded state of a collaborative document (a visit's chart, the desk's notes); unset, 2 MiB. */
	SYNC_MAX_DOCUMENT_BYTES: z.coerce
		.number()
		.int()
		.min(64 * 1024)
		.optional(),
	S3_ENDPOINT: z
		.url()
		.refine((v) => /^https?:\/\//.test(v), 'must start with http:// or https://')
		.optional(),
	S3_BUCKET: z
		.string()
		// S3's own bucket naming rules, so a typo fails here and not on the first upload.
		.regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, '3 to 63 lower-case letters, digits, dots and dashes')
		.optional(),
	S3_REGION: z
		.string()
		.regex(/^[a-z0-9-]{1,40}$/, 'a region name such as us-east-1 (or auto)')
		.optional(),
	S3_ACCESS_KEY_ID: z.string().min(1).optional(),
	S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
	S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).optional()
});

/** Where patient documents go when an S3-compatible store is configured. */
export type S3Settings = {
	endpoint: string;
	bucket: string;
	region: string;
	accessKeyId: string;
	secretAccessKey: string;
	/** `endpoint/bucket/key` instead of `bucket.endpoint/key` (MinIO, Ceph, Garage and most self-hosted stores). */
	forcePathStyle: boolean;
};

export type Env = z.infer<typeof schema> & { dataDir: string; secureCookies: boolean; s3: S3Settings | null };

/** Without these an S3 store cannot work; region and path style have defaults. */
const S3_REQUIRED = ['S3_ENDPOINT', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const;
const S3_ALL = [...S3_REQUIRED, 'S3_REGION', 'S3_FORCE_PATH_STYLE'] as const;

export class EnvError extends Error {}

export function parseEnv(source: Record<string, string | undefined>): Env {
	const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
	const result = schema.safeParse(cleaned);
	if (!result.success) {
		const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
		throw new EnvError(`Tabeeb cannot start: the environment has bad values:\n${lines.join('\n')}`);
	}
	const parsed = result.data;
	const s3 = s3Settings(parsed);
	if ((parsed.VAPID_PUBLIC_KEY === undefined) !== (parsed.VAPID_PRIVATE_KEY === undefined)) {
		throw new EnvError('Tabeeb cannot start: set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY, or neither (a pair is then generated and kept in the database).');
	}
	const secureCookies = parsed.SECURE_COOKIES !== undefined ? parsed.SECURE_COOKIES === 'true' : (parsed.ORIGIN?.startsWith('https://') ?? false);
	return { ...parsed, dataDir: resolve(parsed.DATA_DIR), secureCookies, s3 };
}

/**
 * All or nothing: a half-configured store would quietly keep documents on local disk (or fail
 * on the first upload), so any S3_* variable without the others stops the start.
 */
function s3Settings(parsed: z.infer<typeof schema>): S3Settings | null {
	const given = S3_ALL.filter((name) => parsed[name] !== undefined);
	if (given.length === 0) return null;
	const { S3_ENDPOINT: endpoint, S3_BUCKET: bucket, S3_ACCESS_KEY_ID: accessKeyId, S3_SECRET_ACCESS_KEY: secretAccessKey } = parsed;
	if (!endpoint || !bucket || !accessKeyId || !secretAccessKey) {
		const missing = S3_REQUIRED.filter((name) => parsed[name] === undefined);
		throw new EnvError(
			`Tabeeb cannot start: the S3 document store is half configured (${given.join(', ')} set).\n` +
				`  Also set ${missing.join(', ')}, or unset every S3_* variable to keep documents in DATA_DIR/files.`
		);
	}
	return {
		endpoint: endpoint.replace(/\/+$/, ''),
		bucket,
		region: parsed.S3_REGION ?? 'us-east-1',
		accessKeyId,
		secretAccessKey,
		forcePathStyle: parsed.S3_FORCE_PATH_STYLE === 'true'
	};
}

let cached: Env | undefined;

export function env(): Env {
	cached ??= parseEnv(process.env);
	return cached;
}
