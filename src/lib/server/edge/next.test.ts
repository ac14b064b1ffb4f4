import { describe, expect, it } from 'vitest';
import { safeNext } from './next';

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
