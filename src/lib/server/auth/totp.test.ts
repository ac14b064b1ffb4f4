import { describe, expect, it } from 'vitest';
import { generateHOTP } from '@oslojs/otp';
import { decodeBase64 } from '@oslojs/encoding';
import { generateTotpKey, totpStep } from './totp';

const key = generateTotpKey();
const codeOf = (step: number) => generateHOTP(decodeBase64(key), BigInt(step), 6);
// The middle of a 30-second period, so the grace is one whole step either side.
const now = (1_800_000_000 + 15) * 1000;
const current = Math.floor(now / 30_000);

describe('totpStep', () => {
	it('names the time step of a code from this period or one either side (a phone clock a little off)', () => {
		for (const step of [current - 1, current, current + 1]) {
			const code = codeOf(step);
			const newer = [current + 1, current].filter((s) => s > step && codeOf(s) === code);
			// Were the same six digits also a later step's code, the later step is named.
			expect(totpStep(key, code, now)).toBe(newer[0] ?? step);
		}
	});

	it('accepts spaces the way people type codes', () => {
		const code = codeOf(current);
		expect(totpStep(key, `${code.slice(0, 3)} ${code.slice(3)}`, now)).toBe(current);
	});

	it('refuses codes two steps away and anything that is not six digits', () => {
		for (const step of [current - 2, current + 2]) {
			const code = codeOf(step);
			if ([current - 1, current, current + 1].some((s) => codeOf(s) === code)) continue;
			expect(totpStep(key, code, now)).toBeNull();
		}
		for (const bad of ['', '12345', '1234567', 'abcdef', "1' OR 1=1", '１２３４５６']) expect(totpStep(key, bad, now)).toBeNull();
	});
});
