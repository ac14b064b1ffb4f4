#!/usr/bin/env node
// Bundles the process entry (app + sync server + workers) beside SvelteKit's build output.
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';

const outdir = process.env.TABEEB_BUILD_DIR ?? 'build';

await build({
	entryPoints: { 'tabeeb-server': 'sync-server/app.ts', 'tabeeb-sync': 'sync-server/main.ts' },
	outdir,
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	packages: 'external',
	sourcemap: true,
	logLevel: 'warning',
	outExtension: { '.js': '.js' }
});
writeFileSync(`${outdir}/.stamp`, new Date().toISOString());
