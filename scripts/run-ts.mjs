#!/usr/bin/env node
// Runs a TypeScript script of the project (demo data, maintenance) with tsx.
import { spawnSync } from 'node:child_process';
const [script, ...args] = process.argv.slice(2);
const result = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { stdio: 'inherit' });
process.exit(result.status ?? 1);
