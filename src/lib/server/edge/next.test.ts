import { describe, expect, it } from 'vitest';
import { localPath, safeNext } from './next';

const at = (next: string) => new URL(`http://localhost/login?next=${encodeURIComponent(next)}`);

describe('safeNext', () => {
	it('keeps a path on this site', () => {
		expect(safeNext(at('/SHF01/patients?q=ali'))).toBe('/SHF01/patients?q=ali');
	});

	it('refuses other origins and odd forms', () => {
		for (const bad of ['https://evil.test/', '//evil.test', '/\\evil.test', 'javascript:alert(1)', '/ space', '']) {
			expect(safeNext(at(bad))).toBe('/');
		}
	});
});

describe('localPath', () => {
	it.each(['/', '/SHF01/patients?q=ali', '/me', '/SHF01/patients?q=%D8%B9%D9%84%DB%8C', '/kiosk/SHF01#top'])('keeps %s', (path) => {
		expect(localPath(path)).toBe(path);
	});

	it.each([
		'https://evil.test/',
		'//evil.test',
		'/\\evil.test',
		'\\\\evil.test',
		'/%5Cevil.test',
		'/%5cevil.test',
		'/%2F%2Fevil.test',
		'/%2Fevil.test',
		'/\tevil.test',
		'/\n/evil.test',
		'/ok%',
		'evil.test',
		'javascript:alert(1)',
		''
	])('refuses %j', (target) => {
		expect(localPath(target)).toBeNull();
	});
});
