import { createHash } from 'node:crypto';
import { AwsClient } from 'aws4fetch';
import type { S3Settings } from '../env';
import { FileStoreError, assertStorageKey, type FileStore, type StoredFile } from './store';

/** Long enough for a 10 MB upload on a slow clinic line, short enough that a hung store does not hold a request forever. */
const TIMEOUT_MS = 60_000;

/**
 * Objects in one bucket of an S3-compatible store (AWS S3, MinIO, Cloudflare R2, Backblaze B2,
 * Garage, Ceph), signed with SigV4 by aws4fetch. Keys are the storage keys as they are
 * (`<clinicId>/<uuid>`), so a bucket listing groups each clinic's documents.
 */
export class S3Store implements FileStore {
	private readonly client: AwsClient;

	constructor(readonly settings: S3Settings) {
		// A few quick retries for a store's passing 5xx; a longer outage is reported, not waited out.
		this.client = new AwsClient({
			accessKeyId: settings.accessKeyId,
			secretAccessKey: settings.secretAccessKey,
			region: settings.region,
			service: 's3',
			retries: 2,
			initRetryMs: 100
		});
	}

	async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
		// Signing the payload's hash lets the store refuse bytes damaged on the way.
		const response = await this.send('PUT', key, {
			// A copy typed as backed by a plain ArrayBuffer, which is what fetch's body accepts.
			body: new Uint8Array(bytes),
			headers: {
				'content-type': contentType,
				'x-amz-content-sha256': createHash('sha256').update(bytes).digest('hex')
			}
		});
		if (!response.ok) throw await this.problem(response, `PUT ${key}`);
		await response.body?.cancel();
	}

	async get(key: string): Promise<Uint8Array | null> {
		const file = await this.open(key);
		return file ? new Uint8Array(await new Response(file.body).arrayBuffer()) : null;
	}

	async open(key: string): Promise<StoredFile | null> {
		const response = await this.send('GET', key);
		if (response.status === 404) {
			const code = errorCode(await response.text());
			if (code === 'NoSuchKey' || code === null) return null;
			throw this.describe(404, code, `GET ${key}`);
		}
		if (!response.ok || !response.body) throw await this.problem(response, `GET ${key}`);
		const size = Number(response.headers.get('content-length'));
		if (!Number.isSafeInteger(size)) {
			await response.body.cancel();
			throw new FileStoreError('refused', `The S3 store sent ${key} without a length`);
		}
		return { body: response.body, size };
	}

	async remove(key: string): Promise<void> {
		const response = await this.send('DELETE', key);
		// S3 answers 204 for a key that was never there too.
		if (!response.ok && response.status !== 404) throw await this.problem(response, `DELETE ${key}`);
		await response.body?.cancel();
	}

	/** Lists at most one key: it needs the same credentials and bucket as uploads, and the error names what is wrong. */
	async check(): Promise<void> {
		const url = new URL(this.bucketUrl());
		url.searchParams.set('list-type', '2');
		url.searchParams.set('max-keys', '1');
		const response = await this.fetch(url.toString(), { method: 'GET' });
		if (!response.ok) throw await this.problem(response, 'list the bucket');
		await response.body?.cancel();
	}

	/** Path style (`endpoint/bucket/key`) or virtual-hosted style (`bucket.endpoint/key`). */
	objectUrl(key: string): string {
		assertStorageKey(key);
		return `${this.bucketUrl()}${key}`;
	}

	private bucketUrl(): string {
		const { endpoint, bucket, forcePathStyle } = this.settings;
		if (forcePathStyle) return `${endpoint}/${bucket}/`;
		const url = new URL(endpoint);
		url.hostname = `${bucket}.${url.hostname}`;
		return `${url.origin}${url.pathname.replace(/\/+$/, '')}/`;
	}

	private send(method: string, key: string, init: { body?: Uint8Array<ArrayBuffer>; headers?: Record<string, string> } = {}): Promise<Response> {
		return this.fetch(this.objectUrl(key), { method, ...init });
	}

	private async fetch(url: string, init: RequestInit): Promise<Response> {
		try {
			return await this.client.fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
		} catch (e) {
			const reason = e instanceof Error ? (causeCode(e) ?? e.message) : String(e);
			throw new FileStoreError('unreachable', `The S3 store at ${this.settings.endpoint} cannot be reached (${reason}): check S3_ENDPOINT and the network`, {
				cause: e
			});
		}
	}

	private async problem(response: Response, what: string): Promise<FileStoreError> {
		const text = await response.text().catch(() => '');
		return this.describe(response.status, errorCode(text), what);
	}

	/** Turns S3's answer into a sentence that tells an operator which setting to fix. */
	private describe(status: number, code: string | null, what: string): FileStoreError {
		const { bucket, endpoint } = this.settings;
		const answered = `${status}${code ? ` ${code}` : ''}`;
		if (code === 'InvalidAccessKeyId' || code === 'SignatureDoesNotMatch' || code === 'InvalidToken' || (status === 403 && code === null)) {
			return new FileStoreError(
				'credentials',
				`The S3 store refused the credentials (${answered} on ${what}): check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY`
			);
		}
		if (code === 'AccessDenied') {
			return new FileStoreError(
				'credentials',
				`The S3 key may not ${what} in bucket "${bucket}" (${answered}): give it read, write and list rights on that bucket`
			);
		}
		if (code === 'NoSuchBucket') {
			return new FileStoreError('no_bucket', `The S3 bucket "${bucket}" does not exist at ${endpoint}: create it, or fix S3_BUCKET`);
		}
		if (code === 'AuthorizationHeaderMalformed' || code === 'PermanentRedirect' || code === 'IllegalLocationConstraintException') {
			return new FileStoreError(
				'refused',
				`The S3 store wants another region or address for bucket "${bucket}" (${answered}): check S3_REGION and S3_ENDPOINT`
			);
		}
		return new FileStoreError('refused', `The S3 store answered ${answered} to ${what}`);
	}
}

/** S3 errors are `<Error><Code>NoSuchKey</Code>…</Error>`; the code is all that is needed, so no XML parser. */
function errorCode(xml: string): string | null {
	return /<Code>([A-Za-z.]+)<\/Code>/.exec(xml)?.[1] ?? null;
}

function causeCode(e: Error): string | null {
	const cause = e.cause;
	if (typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string') return cause.code;
	if (e.name === 'TimeoutError') return 'timed out';
	return null;
}
