import { defineConfig, devices } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * End-to-end tests drive Debian's Chromium (never a downloaded browser) against the built app,
 * started fresh: an empty data directory (PGlite) or the PostgreSQL database in DATABASE_URL.
 */
const port = Number(process.env.E2E_PORT ?? 4173);
const baseURL = `http://localhost:${port}`;
const buildDir = resolve(process.env.TABEEB_BUILD_DIR ?? 'build');
const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'tabeeb-e2e-'));
process.env.E2E_DATA_DIR = dataDir;
// Email goes to a mail server of the run's own (tests/e2e/mailbox.mjs), which keeps each message
// in this folder for the specs to read, as a person reads their inbox.
const mailDir = process.env.E2E_MAIL_DIR ?? mkdtempSync(join(tmpdir(), 'tabeeb-e2e-mail-'));
process.env.E2E_MAIL_DIR = mailDir;
const smtpPort = port + 1100;
const mailHttpPort = port + 1200;

export default defineConfig({
	testDir: 'tests/e2e',
	fullyParallel: false,
	workers: process.env.CI ? 2 : 2,
	// No retries: a spec that passes only on a second try is a bug to fix, not to hide.
	retries: 0,
	// A spec several people click through takes about 20 s alone and up to three times that on CI's
	// two cores, where two workers, their browsers and the server share them. Every step keeps its
	// own 10 s limit (expect below), which is what catches a real hang; this only bounds the whole.
	timeout: 150_000,
	expect: { timeout: 10_000 },
	reporter: [['list']],
	use: {
		baseURL,
		trace: 'retain-on-failure',
		launchOptions: {
			executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
			args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update']
		}
	},
	projects: [
		{ name: 'setup', testMatch: /setup\.e2e\.ts/ },
		{ name: 'chromium', testMatch: /\.e2e\.ts/, testIgnore: /setup\.e2e\.ts/, dependencies: ['setup'], use: { ...devices['Desktop Chrome'] } }
	],
	webServer: [
		{
			command: 'node tests/e2e/mailbox.mjs',
			url: `http://127.0.0.1:${mailHttpPort}/healthz`,
			reuseExistingServer: false,
			timeout: 30_000,
			stdout: 'ignore',
			stderr: 'pipe',
			env: { E2E_MAIL_DIR: mailDir, E2E_SMTP_PORT: String(smtpPort), E2E_MAIL_HTTP_PORT: String(mailHttpPort) }
		},
		{
			command: `node ${join(buildDir, 'tabeeb-server.js')}`,
			url: `${baseURL}/healthz`,
			reuseExistingServer: false,
			timeout: 60_000,
			stdout: 'ignore',
			stderr: 'pipe',
			env: {
				PORT: String(port),
				HOST: '127.0.0.1',
				ORIGIN: baseURL,
				DATA_DIR: dataDir,
				NODE_ENV: 'production',
				LOG_LEVEL: 'warn',
				LOGIN_RATE_LIMIT: '20',
				SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
				REDIS_PREFIX: process.env.REDIS_PREFIX ?? `tabeeb_e2e_${process.pid}`,
				...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
				...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {})
			}
		}
	]
});
