#!/usr/bin/env node
// Bundles the process entry (app + sync server + workers) beside SvelteKit's build output.
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';

await build({
	entryPoints: { 'tabeeb-server': 'sync-server/app.ts', 'tabeeb-sync': 'sync-server/main.ts' },
	outdir: 'build',
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	packages: 'external',
	sourcemap: true,
	logLevel: 'warning',
	outExtension: { '.js': '.js' }
});
writeFileSync('build/.stamp', new Date().toISOString());
