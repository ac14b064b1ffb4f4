#!/usr/bin/env node
// `npm run bench`: runs every benchmark in tests/bench (one at a time: the machine is shared
// and each one measures latency) and prints the JSON summary line each one produces.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const only = process.argv[2];
const files = readdirSync('tests/bench')
	.filter((f) => f.endsWith('.bench.ts') && (!only || f.includes(only)))
	.sort();
let failed = 0;
for (const file of files) {
	const result = spawnSync(process.execPath, ['--import', 'tsx', `tests/bench/${file}`], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
		env: { ...process.env, NODE_ENV: 'test' }
	});
	const lines = (result.stdout ?? '').split('\n').filter((l) => l.startsWith('{'));
	for (const line of lines) console.log(line);
	if (result.status !== 0 || lines.length === 0) {
		failed++;
		console.error(`benchmark ${file} failed (exit ${result.status})`);
	}
}
process.exit(failed ? 1 : 0);
