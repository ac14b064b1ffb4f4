import { sveltekit } from '@sveltejs/kit/vite';
import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { defineConfig } from 'vitest/config';
import { syncDevPlugin } from './sync-server/vite-plugin';
import { paraglideOptions } from './paraglide.options.js';

export default defineConfig({
	plugins: [paraglideVitePlugin(paraglideOptions), sveltekit(), syncDevPlugin()],
	server: { port: 3000 },
	test: {
		include: ['src/**/*.test.ts', 'tests/integration/**/*.test.ts', 'tests/sync/**/*.test.ts', 'sync-server/**/*.test.ts'],
		environment: 'node',
		pool: 'forks',
		maxWorkers: 2,
		testTimeout: 30_000,
		// An API test file's beforeAll starts the built server and its database: about 10 s alone,
		// several times that on two busy cores. A hook that never finishes still fails, later.
		hookTimeout: 180_000,
		globalSetup: ['./tests/global-setup.ts']
	}
});
