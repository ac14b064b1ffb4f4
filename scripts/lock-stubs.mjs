#!/usr/bin/env node
// The npm registry reachable here serves only this platform's builds of packages with native
// parts (rollup, esbuild…), so `npm install` leaves the other platforms' optional packages out
// of package-lock.json and `npm ci` then calls the lock out of sync. This adds a stub entry for
// each missing optional package (name, version, optional); `npm ci` skips the ones it cannot
// fetch, as npm does for any optional dependency. Run after `npm install` changes the lock.
import { readFileSync, writeFileSync } from 'node:fs';

const path = 'package-lock.json';
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;
let added = 0;

for (const [location, entry] of Object.entries(packages)) {
	for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
		const nested = `${location ? location + '/' : ''}node_modules/${name}`;
		if (packages[nested] || packages[`node_modules/${name}`]) continue;
		const version = String(range).replace(/^[\^~=v]/, '');
		packages[`node_modules/${name}`] = { version, dev: entry.dev || undefined, optional: true };
		added++;
	}
}

if (process.argv.includes('--check')) {
	if (added > 0) {
		console.error(`package-lock.json lacks ${added} optional platform packages: run \`node scripts/lock-stubs.mjs\` and commit the lock.`);
		process.exit(1);
	}
	process.exit(0);
}

const sorted = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
lock.packages = sorted;
writeFileSync(path, JSON.stringify(lock, null, 2) + '\n');
console.log(`package-lock.json: ${added} optional platform packages stubbed`);
