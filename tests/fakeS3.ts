/**
 * A small S3-compatible server for tests: path-style buckets, PUT/GET/DELETE of objects,
 * ListObjectsV2, and SigV4 header signatures checked from the AWS specification (written apart
 * from the client's signer, so a signing mistake fails here as it would on a real store).
 * s3rver, the npm one, does not check SigV4 signatures at all, so it cannot catch a wrong secret.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export type StoredObject = { bytes: Buffer; contentType: string };

export type FakeS3 = {
	endpoint: string;
	region: string;
	accessKeyId: string;
	secretAccessKey: string;
	/** Objects by `bucket/key`. */
	objects: Map<string, StoredObject>;
	/** When set, every request is answered with this status (a store having a bad day). */
	failWith: number | null;
	/** Requests seen, as `METHOD /path`. */
	requests: string[];
	close(): Promise<void>;
};

export async function startFakeS3(options: { buckets: string[]; region?: string; accessKeyId?: string; secretAccessKey?: string }): Promise<FakeS3> {
	const fake: Omit<FakeS3, 'endpoint' | 'close'> = {
		region: options.region ?? 'us-east-1',
		accessKeyId: options.accessKeyId ?? 'TABEEBTESTKEY',
		secretAccessKey: options.secretAccessKey ?? 'tabeeb-test-secret',
		objects: new Map(),
		failWith: null,
		requests: []
	};
	const buckets = new Set(options.buckets);
	const server: Server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => handle(req, Buffer.concat(chunks), res));
	});

	function handle(req: IncomingMessage, body: Buffer, res: ServerResponse) {
		const url = new URL(req.url ?? '/', 'http://fake');
		fake.requests.push(`${req.method} ${url.pathname}`);
		if (fake.failWith) return fail(res, fake.failWith, 'InternalError');
		const refusal = verifySignature(req, url, body, fake);
		if (refusal) return fail(res, refusal.status, refusal.code);
		const [, bucket, ...rest] = url.pathname.split('/');
		const key = rest.join('/');
		if (!buckets.has(bucket)) return fail(res, 404, 'NoSuchBucket');
		const id = `${bucket}/${key}`;
		if (!key && req.method === 'GET') {
			const keys = [...fake.objects.keys()].filter((k) => k.startsWith(`${bucket}/`));
			res.writeHead(200, { 'content-type': 'application/xml' });
			return res.end(`<?xml version="1.0"?><ListBucketResult><Name>${bucket}</Name><KeyCount>${keys.length}</KeyCount></ListBucketResult>`);
		}
		if (req.method === 'PUT') {
			fake.objects.set(id, { bytes: body, contentType: req.headers['content-type'] ?? 'application/octet-stream' });
			res.writeHead(200, { etag: `"${createHash('md5').update(body).digest('hex')}"` });
			return res.end();
		}
		if (req.method === 'GET') {
			const object = fake.objects.get(id);
			if (!object) return fail(res, 404, 'NoSuchKey');
			res.writeHead(200, { 'content-type': object.contentType, 'content-length': String(object.bytes.byteLength) });
			return res.end(object.bytes);
		}
		if (req.method === 'DELETE') {
			fake.objects.delete(id);
			res.writeHead(204);
			return res.end();
		}
		return fail(res, 405, 'MethodNotAllowed');
	}

	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address();
	if (!address || typeof address === 'string') throw new Error('the fake S3 server has no TCP port');
	return Object.assign(fake, {
		endpoint: `http://127.0.0.1:${address.port}`,
		close: () => new Promise<void>((resolve) => server.close(() => resolve()))
	});
}

function fail(res: ServerResponse, status: number, code: string) {
	res.writeHead(status, { 'content-type': 'application/xml' });
	res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`);
}

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/** SigV4 as S3 checks it; returns what S3 would answer for a bad request, or null when it is good. */
function verifySignature(req: IncomingMessage, url: URL, body: Buffer, fake: Omit<FakeS3, 'endpoint' | 'close'>): { status: number; code: string } | null {
	const match = AUTH.exec(req.headers.authorization ?? '');
	if (!match) return { status: 403, code: 'AccessDenied' };
	const [, accessKeyId, date, region, signedHeaders, signature] = match;
	if (accessKeyId !== fake.accessKeyId) return { status: 403, code: 'InvalidAccessKeyId' };
	if (region !== fake.region) return { status: 400, code: 'AuthorizationHeaderMalformed' };
	const amzDate = header(req, 'x-amz-date');
	if (!amzDate.startsWith(date)) return { status: 403, code: 'SignatureDoesNotMatch' };
	const when = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
	if (!(Math.abs(Date.now() - when) < 15 * 60_000)) return { status: 403, code: 'RequestTimeTooSkewed' };
	const payloadHash = header(req, 'x-amz-content-sha256');
	if (!payloadHash) return { status: 400, code: 'InvalidRequest' };
	if (payloadHash !== 'UNSIGNED-PAYLOAD' && payloadHash !== sha256(body)) return { status: 400, code: 'XAmzContentSHA256Mismatch' };
	const names = signedHeaders.split(';');
	if (!names.includes('host')) return { status: 403, code: 'SignatureDoesNotMatch' };
	const canonicalRequest = [
		req.method,
		url.pathname
			.split('/')
			.map((s) => rfc3986(decodeURIComponent(s)))
			.join('/'),
		[...url.searchParams]
			.map(([k, v]) => [rfc3986(k), rfc3986(v)])
			.sort(([a], [b]) => (a < b ? -1 : 1))
			.map(([k, v]) => `${k}=${v}`)
			.join('&'),
		names.map((n) => `${n}:${header(req, n).trim().replace(/\s+/g, ' ')}\n`).join(''),
		signedHeaders,
		payloadHash
	].join('\n');
	const scope = `${date}/${region}/s3/aws4_request`;
	const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(Buffer.from(canonicalRequest))].join('\n');
	let key: Buffer = hmac(`AWS4${fake.secretAccessKey}`, date);
	for (const part of [region, 's3', 'aws4_request']) key = hmac(key, part);
	const expected = hmac(key, stringToSign).toString('hex');
	return expected === signature ? null : { status: 403, code: 'SignatureDoesNotMatch' };
}

function header(req: IncomingMessage, name: string): string {
	const value = req.headers[name];
	return Array.isArray(value) ? value.join(',') : (value ?? '');
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
