#!/usr/bin/env node
// `npm run check`: compiles the messages (a fresh clone has no src/lib/paraglide until Vite runs),
// syncs SvelteKit's generated types, then svelte-check, then ESLint (eslint.config.js, with the
// type-aware promise rules), then Prettier's check (.prettierrc.json; `npm run format` fixes it).
// Extra arguments go to svelte-check.
import { spawnSync } from 'node:child_process';
import { compile } from '@inlang/paraglide-js';
import { paraglideOptions } from '../paraglide.options.js';

await compile(paraglideOptions);
const run = (args) => spawnSync('npx', args, { stdio: 'inherit' }).status ?? 1;
const status =
	run(['svelte-kit', 'sync']) ||
	run(['svelte-check', '--tsconfig', './tsconfig.json', ...process.argv.slice(2)]) ||
	run(['eslint', '--max-warnings', '0', '.']) ||
	run(['prettier', '--check', '--log-level', 'warn', '.']);
process.exit(status);
