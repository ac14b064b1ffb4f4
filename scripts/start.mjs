#!/usr/bin/env node
// `npm start`: builds when there is no current build, then runs the one Tabeeb process.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const inputs = ['src', 'sync-server', 'messages', 'drizzle', 'static', 'package.json', 'svelte.config.js', 'vite.config.ts', 'project.inlang/settings.json'];
const ignored = new Set(['node_modules', 'paraglide', '.svelte-kit']);

function newest(path) {
	if (!existsSync(path)) return 0;
	const stat = statSync(path);
	if (!stat.isDirectory()) return stat.mtimeMs;
	let latest = stat.mtimeMs;
	for (const entry of readdirSync(path)) {
		if (!ignored.has(entry)) latest = Math.max(latest, newest(join(path, entry)));
	}
	return latest;
}

const stamp = 'build/.stamp';
const stale = !existsSync(stamp) || !existsSync('build/tabeeb-server.js') || Math.max(...inputs.map(newest)) > statSync(stamp).mtimeMs;
if (stale) {
	console.log('Building Tabeeb (first start or changed sources)…');
	const built = spawnSync('npm', ['run', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
	if (built.status !== 0) process.exit(built.status ?? 1);
}
process.env.NODE_ENV ??= 'production';
await import(new URL('../build/tabeeb-server.js', import.meta.url).href);
