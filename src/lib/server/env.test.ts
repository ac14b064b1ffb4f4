import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from './env';

describe('environment', () => {
	it('defaults to the embedded database in ./data on port 3000', () => {
		const config = parseEnv({});
		expect(config.PORT).toBe(3000);
		expect(config.DATABASE_URL).toBeUndefined();
		expect(config.dataDir).toMatch(/\/data$/);
		expect(config.secureCookies).toBe(false);
	});

	it('turns on secure cookies for an https origin', () => {
		expect(parseEnv({ ORIGIN: 'https://clinic.example.com' }).secureCookies).toBe(true);
	});

	it('refuses bad values with a message naming each one', () => {
		const attempt = () => parseEnv({ PORT: 'eighty', DATABASE_URL: 'mysql://x', REDIS_URL: 'http://x' });
		expect(attempt).toThrow(EnvError);
		expect(attempt).toThrow(/PORT/);
		expect(attempt).toThrow(/DATABASE_URL: must start with postgres/);
		expect(attempt).toThrow(/REDIS_URL/);
	});

	it('treats empty variables as unset', () => {
		expect(parseEnv({ DATABASE_URL: '', PORT: '' }).PORT).toBe(3000);
	});

	describe('web push keys', () => {
		const publicKey = 'B' + 'a'.repeat(86);
		const privateKey = 'c'.repeat(43);

		it('takes a VAPID pair and a mailto: subject', () => {
			const config = parseEnv({ VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: privateKey, VAPID_SUBJECT: 'mailto:admin@clinic.example' });
			expect(config.VAPID_PUBLIC_KEY).toBe(publicKey);
			expect(config.VAPID_SUBJECT).toBe('mailto:admin@clinic.example');
		});

		it('refuses half a pair, keys of the wrong length and a subject that is not mailto: or https:', () => {
			expect(() => parseEnv({ VAPID_PUBLIC_KEY: publicKey })).toThrow(/VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY/);
			expect(() => parseEnv({ VAPID_PUBLIC_KEY: 'short', VAPID_PRIVATE_KEY: privateKey })).toThrow(/VAPID_PUBLIC_KEY: a base64url/);
			expect(() => parseEnv({ VAPID_SUBJECT: 'http://clinic.example' })).toThrow(/VAPID_SUBJECT/);
		});

		it('refuses an SMTP_URL that is not smtp:// or smtps://', () => {
			expect(() => parseEnv({ SMTP_URL: 'mail.example.com:25' })).toThrow(/SMTP_URL: must start with smtp/);
			expect(parseEnv({ SMTP_URL: 'smtps://user:pass@mail.example.com' }).SMTP_URL).toBe('smtps://user:pass@mail.example.com');
		});
	});

	describe('S3-compatible document store', () => {
		const s3 = {
			S3_ENDPOINT: 'https://minio.clinic.lan:9000/',
			S3_BUCKET: 'tabeeb-docs',
			S3_ACCESS_KEY_ID: 'AKIA123',
			S3_SECRET_ACCESS_KEY: 'secret'
		};

		it('keeps documents on disk when no S3_* variable is set', () => {
			expect(parseEnv({}).s3).toBeNull();
		});

		it('reads a complete configuration, with us-east-1 and virtual-hosted addresses by default', () => {
			expect(parseEnv(s3).s3).toEqual({
				endpoint: 'https://minio.clinic.lan:9000',
				bucket: 'tabeeb-docs',
				region: 'us-east-1',
				accessKeyId: 'AKIA123',
				secretAccessKey: 'secret',
				forcePathStyle: false
			});
			expect(parseEnv({ ...s3, S3_REGION: 'auto', S3_FORCE_PATH_STYLE: 'true' }).s3).toMatchObject({ region: 'auto', forcePathStyle: true });
		});

		it('refuses a half-configured store, naming what is missing', () => {
			const half = () => parseEnv({ S3_BUCKET: 'tabeeb-docs', S3_REGION: 'eu-west-1' });
			expect(half).toThrow(EnvError);
			expect(half).toThrow(/half configured \(S3_BUCKET, S3_REGION set\)/);
			expect(half).toThrow(/Also set S3_ENDPOINT, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY/);
			expect(() => parseEnv({ ...s3, S3_SECRET_ACCESS_KEY: '' })).toThrow(/Also set S3_SECRET_ACCESS_KEY,/);
		});

		it('refuses bad values before trying the store', () => {
			expect(() => parseEnv({ ...s3, S3_ENDPOINT: 'minio:9000' })).toThrow(/S3_ENDPOINT/);
			expect(() => parseEnv({ ...s3, S3_ENDPOINT: 'ftp://minio' })).toThrow(/S3_ENDPOINT: must start with http/);
			expect(() => parseEnv({ ...s3, S3_BUCKET: 'Tabeeb_Docs' })).toThrow(/S3_BUCKET: 3 to 63 lower-case/);
			expect(() => parseEnv({ ...s3, S3_FORCE_PATH_STYLE: 'yes' })).toThrow(/S3_FORCE_PATH_STYLE/);
		});
	});
});
