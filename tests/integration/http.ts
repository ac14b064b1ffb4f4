import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { openDatabase, type Db } from '../../src/lib/server/db';

/**
 * Tests of the HTTP API run against the BUILT app (`$TABEEB_BUILD_DIR/tabeeb-server.js`, as
 * `npm start` runs it), one fresh server per test file: a new PGlite data directory, or a new
 * PostgreSQL database when DATABASE_URL is set. `npm test` builds before running vitest.
 */
export type StartOptions = {
	/** Extra environment for the server (LOGIN_RATE_LIMIT, SECURE_COOKIES, ADDRESS_HEADER…). */
	env?: Record<string, string>;
	/** Writes rows the API cannot make (a TOTP key…) before the server starts; PGlite allows one process at a time. */
	seed?: (db: Db) => Promise<void>;
	/** Use a fresh database on this PostgreSQL server even when DATABASE_URL is not set. */
	postgres?: string;
	/** Leave ORIGIN unset, as a plain `npm start` does. */
	noOrigin?: boolean;
	/** Rewrites the fresh database's URL before the server gets it (the healthz test puts a proxy in between). */
	databaseUrl?: (freshUrl: string) => Promise<string>;
};

export type App = {
	url: string;
	/** The server's process id (benchmarks read its CPU time). */
	pid: number | undefined;
	client(headers?: Record<string, string>): ApiClient;
	stop(): Promise<void>;
};

export async function startApp(options: StartOptions = {}): Promise<App> {
	const serverJs = join(resolve(process.env.TABEEB_BUILD_DIR ?? 'build'), 'tabeeb-server.js');
	if (!existsSync(serverJs)) {
		throw new Error(`No build at ${serverJs}: run \`npm run build\` (or \`npm test\`, which builds first); TABEEB_BUILD_DIR picks the folder.`);
	}
	const store = await freshStore(options.postgres ?? process.env.DATABASE_URL);
	try {
		if (options.seed) {
			const database = await openDatabase(store.url ? { url: store.url } : { dataDir: store.dataDir });
			try {
				await options.seed(database.db);
			} finally {
				await database.close();
			}
		}
		const databaseUrl = store.url && options.databaseUrl ? await options.databaseUrl(store.url) : store.url;
		const port = await freePort();
		const env: NodeJS.ProcessEnv = {
			...process.env,
			NODE_ENV: 'production',
			PORT: String(port),
			HOST: '127.0.0.1',
			DATA_DIR: store.dataDir,
			DATABASE_URL: databaseUrl ?? '',
			LOG_LEVEL: 'warn',
			LOGIN_RATE_LIMIT: '50',
			// With REDIS_URL, failed-login counters live in Redis: each server counts apart from other files' servers.
			REDIS_PREFIX: `tabeeb_api_${randomBytes(6).toString('hex')}`
		};
		// As deployed: the public origin is configured (without it adapter-node assumes https).
		if (options.noOrigin) delete env.ORIGIN;
		else env.ORIGIN = `http://127.0.0.1:${port}`;
		const child = spawn(process.execPath, [serverJs], { env: { ...env, ...options.env }, stdio: ['ignore', 'ignore', 'pipe'] });
		// Never outlive the test process, even when it ends without reaching afterAll.
		const orphanGuard = () => child.kill('SIGKILL');
		process.once('exit', orphanGuard);
		child.once('exit', () => process.off('exit', orphanGuard));
		let stderr = '';
		child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		const url = `http://127.0.0.1:${port}`;
		await waitForHealth(url, child, () => stderr);
		return {
			url,
			pid: child.pid,
			client: (headers) => new ApiClient(url, headers),
			stop: async () => {
				await stopProcess(child);
				await store.drop();
			}
		};
	} catch (e) {
		await store.drop();
		throw e;
	}
}

type Store = { url?: string; dataDir: string; drop(): Promise<void> };

async function freshStore(base: string | undefined): Promise<Store> {
	const dataDir = mkdtempSync(join(tmpdir(), 'tabeeb-api-'));
	const removeDir = () => rmSync(dataDir, { recursive: true, force: true });
	if (!base) return { dataDir, drop: async () => removeDir() };
	const name = `tabeeb_api_${randomBytes(6).toString('hex')}`;
	await adminQuery(base, `CREATE DATABASE ${name}`);
	const url = new URL(base);
	url.pathname = `/${name}`;
	return {
		url: url.toString(),
		dataDir,
		drop: async () => {
			removeDir();
			await adminQuery(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
		}
	};
}

/** Runs one statement on the server of `base` (CREATE/DROP DATABASE cannot run in a transaction). */
export async function adminQuery(base: string, statement: string): Promise<void> {
	const { default: postgres } = await import('postgres');
	const sql = postgres(base, { max: 1, onnotice: () => {} });
	try {
		await sql.unsafe(statement);
	} finally {
		await sql.end();
	}
}

function freePort(): Promise<number> {
	return new Promise((done, fail) => {
		const server = createServer();
		server.once('error', fail);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => done(port));
		});
	});
}

async function waitForHealth(url: string, child: ChildProcess, stderr: () => string) {
	const deadline = Date.now() + 60_000;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`The app exited (${child.exitCode}) before answering:\n${stderr()}`);
		try {
			const res = await fetch(`${url}/healthz`);
			if (res.ok) return;
		} catch {
			// Not listening yet.
		}
		await new Promise((r) => setTimeout(r, 150));
	}
	child.kill('SIGKILL');
	throw new Error(`The app did not answer /healthz within 60 s:\n${stderr()}`);
}

function stopProcess(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null) return Promise.resolve();
	return new Promise((done) => {
		const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
		child.once('exit', () => {
			clearTimeout(force);
			done();
		});
		child.kill('SIGTERM');
	});
}

export type ApiResponse = { status: number; headers: Headers; body: unknown; text: string };

export type RequestOptions = {
	/** Sent as JSON with `content-type: application/json`. */
	json?: unknown;
	/** Sent as is (for malformed bodies); set the content type in `headers`. */
	body?: string | Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array>;
	headers?: Record<string, string>;
};

/** A fetch client with a cookie jar, so a signed-in client carries its `session` cookie like a browser. */
export class ApiClient {
	readonly cookies = new Map<string, string>();
	/** The raw Set-Cookie headers of the last response, for checking cookie attributes. */
	lastSetCookies: string[] = [];

	constructor(
		readonly base: string,
		readonly headers: Record<string, string> = {}
	) {}

	async request(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
		const headers: Record<string, string> = { ...this.headers, ...options.headers };
		if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
		let body = options.body;
		if (options.json !== undefined) {
			body = JSON.stringify(options.json);
			headers['content-type'] ??= 'application/json';
		}
		const init: RequestInit & { duplex?: 'half' } = { method, headers, body, redirect: 'manual' };
		if (body instanceof ReadableStream) init.duplex = 'half';
		const res = await fetch(`${this.base}${path}`, init);
		this.lastSetCookies = res.headers.getSetCookie();
		for (const line of this.lastSetCookies) this.storeCookie(line);
		const text = await res.text();
		return { status: res.status, headers: res.headers, body: parseJson(text), text };
	}

	get = (path: string, options?: RequestOptions) => this.request('GET', path, options);
	post = (path: string, json?: unknown, options?: RequestOptions) => this.request('POST', path, { json, ...options });
	put = (path: string, json?: unknown, options?: RequestOptions) => this.request('PUT', path, { json, ...options });
	patch = (path: string, json?: unknown, options?: RequestOptions) => this.request('PATCH', path, { json, ...options });

	private storeCookie(line: string) {
		const [pair, ...attributes] = line.split(';').map((s) => s.trim());
		const eq = pair.indexOf('=');
		const name = pair.slice(0, eq);
		const value = pair.slice(eq + 1);
		const expired = attributes.some((a) => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && Date.parse(a.slice(8)) < Date.now()));
		if (expired || value === '') this.cookies.delete(name);
		else this.cookies.set(name, value);
	}
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

/** A client signed in through the API, carrying the session cookie. */
export async function signedIn(app: App, email: string, password: string, headers?: Record<string, string>): Promise<ApiClient> {
	const client = app.client(headers);
	const res = await client.post('/api/v1/auth/login', { email, password });
	if (res.status !== 200) throw new Error(`Sign-in of ${email} failed: ${res.status} ${res.text}`);
	return client;
}

type ErrorShape = { error: { code: string; message: string; field?: string; fields?: { field: string; code: string; message: string }[] } };

function isErrorShape(body: unknown): body is ErrorShape {
	if (typeof body !== 'object' || body === null || !('error' in body)) return false;
	const error = body.error;
	return typeof error === 'object' && error !== null && 'code' in error && 'message' in error && typeof error.message === 'string';
}

/** The JSON error of a response, failing loudly when the body is anything else. */
export function errorOf(res: ApiResponse): ErrorShape['error'] {
	if (!isErrorShape(res.body)) throw new Error(`Expected a JSON error, got ${res.status}: ${res.text.slice(0, 300)}`);
	return res.body.error;
}

/** Asserts a JSON error with this status and code (and field, when given), with a message for people. */
export function expectError(res: ApiResponse, status: number, code: string, field?: string) {
	expect({ status: res.status, code: errorOf(res).code }).toEqual({ status, code });
	expect(res.headers.get('content-type')).toMatch(/^application\/json/);
	expect(errorOf(res).message).toMatch(/\S/);
	if (field !== undefined) expect(errorOf(res).field).toBe(field);
	// `field` is the first of `fields`, for clients written before it.
	const fields = errorOf(res).fields;
	if (field !== undefined && fields && fields.length > 0) expect(fields[0].field).toBe(field);
}

/** Strings that must either be refused or stored and returned byte for byte, never interpreted. */
export const SQL_INJECTION = "' OR 1=1; DROP TABLE app_user; --";
export const SCRIPT_INJECTION = '<script>alert(1)</script>';
