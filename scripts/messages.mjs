#!/usr/bin/env node
// Adds or updates translated messages in messages/en.json and messages/ur.json together, safely
// when several people run it at once (a lock directory serializes writers).
//   node scripts/messages.mjs set key "English text" "اردو متن" [key2 "…" "…" …]
//   node scripts/messages.mjs set --replace key …   (change a key that exists: other screens may use it)
//   node scripts/messages.mjs check      (every key in both files, none copied)
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';

const files = { en: 'messages/en.json', ur: 'messages/ur.json' };
const read = (f) => JSON.parse(readFileSync(f, 'utf8'));
const write = (f, o) => writeFileSync(f, JSON.stringify(o, null, '\t') + '\n');
const [command, ...args] = process.argv.slice(2);

function withLock(fn) {
	const lock = 'messages/.lock';
	for (let i = 0; ; i++) {
		try {
			mkdirSync(lock);
			break;
		} catch {
			if (i > 200) throw new Error('messages/.lock is held; remove it if no one is writing');
			Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25);
		}
	}
	try {
		fn();
	} finally {
		rmdirSync(lock);
	}
}

if (command === 'set') {
	const replace = args[0] === '--replace';
	if (replace) args.shift();
	if (args.length === 0 || args.length % 3 !== 0) throw new Error('usage: set [--replace] key en ur [key en ur …]');
	withLock(() => {
		const en = read(files.en);
		const ur = read(files.ur);
		// A key that exists with other words is someone's screen: changing it is said out loud (--replace).
		const taken = [];
		for (let i = 0; i < args.length; i += 3) {
			const [key, enText, urText] = args.slice(i, i + 3);
			if (key in en && (en[key] !== enText || ur[key] !== urText)) taken.push(key);
		}
		if (taken.length > 0 && !replace)
			throw new Error(`${taken.join(', ')} already exist with other words (used elsewhere?): choose new keys, or pass --replace`);
		for (let i = 0; i < args.length; i += 3) {
			const [key, enText, urText] = args.slice(i, i + 3);
			if (!/^[a-z][a-z0-9_]*$/.test(key)) throw new Error(`bad key ${key}: use snake_case`);
			en[key] = enText;
			ur[key] = urText;
		}
		write(files.en, en);
		write(files.ur, ur);
	});
} else if (command === 'check') {
	const en = read(files.en);
	const ur = read(files.ur);
	const keys = (o) => Object.keys(o).filter((k) => !k.startsWith('$'));
	const problems = [
		...keys(en)
			.filter((k) => !(k in ur))
			.map((k) => `ur.json lacks ${k}`),
		...keys(ur)
			.filter((k) => !(k in en))
			.map((k) => `en.json lacks ${k}`),
		...keys(en)
			.filter((k) => en[k] === ur[k] && /[a-z]{3}/i.test(en[k]))
			.map((k) => `ur.json copies English for ${k}`)
	];
	for (const p of problems) console.error(p);
	process.exit(problems.length ? 1 : 0);
} else {
	console.error('usage: node scripts/messages.mjs set key en ur … | check');
	process.exit(2);
}
