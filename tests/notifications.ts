import { createECDH, createDecipheriv, createPublicKey, hkdfSync, randomBytes, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Server } from 'node:net';
import { Writable } from 'node:stream';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import pino from 'pino';

/**
 * Test doubles that speak the real protocols: an SMTP server (smtp-server, from nodemailer's
 * authors) and a Web Push service that checks what a real one checks (VAPID signature,
 * aes128gcm) by decrypting each message with the browser's private key, as a browser would.
 */

export type SmtpTestServer = {
	url: string;
	messages: ParsedMail[];
	/** While set, every message is refused with this temporary failure. */
	refuseWith: string | null;
	close(): Promise<void>;
};

export async function startSmtpServer(): Promise<SmtpTestServer> {
	const state: SmtpTestServer = { url: '', messages: [], refuseWith: null, close: async () => {} };
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS'],
		logger: false,
		onData(stream, _session, callback) {
			const chunks: Buffer[] = [];
			stream.on('data', (c: Buffer) => chunks.push(c));
			stream.on('end', () => {
				if (state.refuseWith) {
					const err = Object.assign(new Error(state.refuseWith), { responseCode: 451 });
					return callback(err);
				}
				simpleParser(Buffer.concat(chunks))
					.then((mail) => {
						state.messages.push(mail);
						callback();
					})
					.catch(callback);
			});
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	state.url = `smtp://127.0.0.1:${portOf(server.server)}`;
	state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
	return state;
}

/** A browser's side of a push subscription: its P-256 key pair and auth secret. */
export type BrowserKeys = { p256dh: string; auth: string; privateKey: Buffer; publicKey: Buffer; authSecret: Buffer };

export function browserKeys(): BrowserKeys {
	const ecdh = createECDH('prime256v1');
	const publicKey = ecdh.generateKeys();
	const authSecret = randomBytes(16);
	return { p256dh: publicKey.toString('base64url'), auth: authSecret.toString('base64url'), privateKey: ecdh.getPrivateKey(), publicKey, authSecret };
}

/** RFC 8291 / RFC 8188 decryption of a single-record aes128gcm message, written apart from web-push's own code. */
export function decryptAes128gcm(body: Buffer, keys: BrowserKeys): string {
	const salt = body.subarray(0, 16);
	const idlen = body[20];
	const serverPublic = body.subarray(21, 21 + idlen);
	const ciphertext = body.subarray(21 + idlen);
	const ecdh = createECDH('prime256v1');
	ecdh.setPrivateKey(keys.privateKey);
	const shared = ecdh.computeSecret(serverPublic);
	const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), keys.publicKey, serverPublic]);
	const ikm = Buffer.from(hkdfSync('sha256', shared, keys.authSecret, keyInfo, 32));
	const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
	const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
	const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
	decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
	const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
	// The last record ends with the delimiter 0x02, then zero padding.
	let end = padded.length - 1;
	while (end >= 0 && padded[end] === 0) end--;
	if (padded[end] !== 2) throw new Error('no last-record delimiter');
	return padded.subarray(0, end).toString('utf8');
}

export type VapidClaims = { aud: string; exp: number; sub: string; publicKey: string };

/** Checks `Authorization: vapid t=<JWT>, k=<public key>` (RFC 8292): an ES256 signature by that key. */
export function verifyVapid(header: string | undefined): VapidClaims {
	const match = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(header ?? '');
	if (!match) throw new Error(`not a VAPID authorization: ${header}`);
	const [, jwt, k] = match;
	const [head, claims, signature] = jwt.split('.');
	const raw = Buffer.from(k, 'base64url');
	const key = createPublicKey({
		key: { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33, 65).toString('base64url') },
		format: 'jwk'
	});
	const ok = verify('sha256', Buffer.from(`${head}.${claims}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
	if (!ok) throw new Error('VAPID signature does not verify');
	if (JSON.parse(Buffer.from(head, 'base64url').toString()).alg !== 'ES256') throw new Error('VAPID token is not ES256');
	return { ...JSON.parse(Buffer.from(claims, 'base64url').toString()), publicKey: k };
}

export type ReceivedPush = {
	path: string;
	ttl: number;
	urgency: string;
	claims: VapidClaims;
	message: { title: string; body: string; url: string; tag: string; lang: string };
};

export type FakePushService = {
	origin: string;
	/** Browsers by endpoint path; a path with no browser answers 404. */
	browsers: Map<string, BrowserKeys>;
	/** Paths answered with this status instead (410 gone, 503 busy…). */
	answers: Map<string, number>;
	received: ReceivedPush[];
	/** Requests refused because their VAPID header or encryption was wrong. */
	refused: string[];
	close(): Promise<void>;
};

export async function startFakePushService(): Promise<FakePushService> {
	const service: FakePushService = { origin: '', browsers: new Map(), answers: new Map(), received: [], refused: [], close: async () => {} };
	const server = createServer((req, res) => void respond(req, res));
	async function respond(req: IncomingMessage, res: ServerResponse) {
		const body = await readBody(req);
		const path = req.url ?? '/';
		const answer = service.answers.get(path);
		if (answer) return res.writeHead(answer).end();
		const keys = service.browsers.get(path);
		if (!keys) return res.writeHead(404).end();
		try {
			if (req.headers['content-encoding'] !== 'aes128gcm') throw new Error(`content-encoding ${req.headers['content-encoding']}`);
			const claims = verifyVapid(req.headers.authorization);
			if (claims.aud !== service.origin) throw new Error(`audience ${claims.aud}`);
			if (claims.exp * 1000 < Date.now()) throw new Error('expired token');
			const message = JSON.parse(decryptAes128gcm(body, keys));
			service.received.push({ path, ttl: Number(req.headers.ttl), urgency: String(req.headers.urgency), claims, message });
			res.writeHead(201).end();
		} catch (e) {
			service.refused.push(e instanceof Error ? e.message : String(e));
			res.writeHead(400).end();
		}
	}
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	service.origin = `http://127.0.0.1:${portOf(server)}`;
	service.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
	return service;
}

function portOf(server: Server): number {
	const address = server.address();
	if (!address || typeof address === 'string') throw new Error('server is not listening on a port');
	return address.port;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(Buffer.from(chunk));
	return Buffer.concat(chunks);
}

/** A pino logger whose lines the test can read. */
export function captureLog() {
	const lines: Record<string, unknown>[] = [];
	const sink = new Writable({
		write(chunk: Buffer, _enc, done) {
			for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
			done();
		}
	});
	return { log: pino({ level: 'info' }, sink), lines };
}
