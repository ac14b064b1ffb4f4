#!/usr/bin/env node
// `npm test`: builds the app, then unit, integration and sync tests (vitest; the API tests run
// against the build), then end-to-end tests (Playwright in Debian's Chromium) against the same
// build. With DATABASE_URL, everything runs on a fresh PostgreSQL database created for this run
// and dropped after it; without, on PGlite.
import { spawnSync } from 'node:child_process';

const run = (cmd, args, env = {}) => {
	const result = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
	return result.status ?? 1;
};

const only = process.argv[2]; // 'unit' or 'e2e' to run one half
const buildDir = process.env.TABEEB_BUILD_DIR ?? 'build';
const baseUrl = process.env.DATABASE_URL;
let testUrl;
let adminSql;

if (baseUrl) {
	const { default: postgres } = await import('postgres');
	const name = `tabeeb_test_${Date.now()}_${process.pid}`;
	adminSql = postgres(baseUrl, { max: 1, onnotice: () => {} });
	await adminSql.unsafe(`CREATE DATABASE ${name}`);
	const url = new URL(baseUrl);
	url.pathname = `/${name}`;
	testUrl = url.toString();
	adminSql.dbName = name;
	console.log(`Testing on PostgreSQL (database ${name})`);
} else {
	console.log('Testing on embedded PGlite');
}

// Each run gets its own Redis namespace: rate-limit counters of an earlier run must not leak in.
const env = { ...(testUrl ? { DATABASE_URL: testUrl } : {}), NODE_ENV: 'test', REDIS_PREFIX: `tabeeb_test_${process.pid}_${Date.now()}` };
let status = 0;
try {
	// One build serves both halves: the API integration tests spawn it (tests/integration/http.ts), Playwright too.
	status ||= run('npm', ['run', 'build'], { NODE_ENV: 'production', TABEEB_BUILD_DIR: buildDir });
	if (only !== 'e2e' && status === 0) status ||= run('npx', ['vitest', 'run'], { ...env, TABEEB_BUILD_DIR: buildDir });
	if (only !== 'unit' && status === 0) {
		if (testUrl) {
			// The e2e run gets its own empty database: its setup test needs a fresh installation.
			const e2eName = `${adminSql.dbName}_e2e`;
			await adminSql.unsafe(`CREATE DATABASE ${e2eName}`);
			const url = new URL(testUrl);
			url.pathname = `/${e2eName}`;
			adminSql.e2eName = e2eName;
			status ||= run('npx', ['playwright', 'test'], { DATABASE_URL: url.toString(), REDIS_PREFIX: env.REDIS_PREFIX });
		} else {
			status ||= run('npx', ['playwright', 'test'], { DATABASE_URL: '', REDIS_PREFIX: env.REDIS_PREFIX });
		}
	}
} finally {
	if (adminSql) {
		for (const db of [adminSql.dbName, adminSql.e2eName].filter(Boolean)) {
			await adminSql.unsafe(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => {});
		}
		await adminSql.end();
	}
}
process.exit(status);
