import { describe, expect, it } from 'vitest';
import { overwriteGetLocale } from '$lib/paraglide/runtime.js';
import { EDGE_ERROR_CODES, ERROR_CODES } from '$lib/server/errors';
import { adminErrorMessages } from '$lib/components/admin/errorMessages';
import { patientErrorMessages } from '$lib/components/patients/errorMessages';
import { queueErrorMessages } from '$lib/components/queue/errorMessages';
import { referralErrorMessages } from '$lib/components/referrals/errorMessages';
import { pharmacyErrorMessages } from '$lib/components/pharmacy/errorMessages';
import { billingErrorMessages } from '$lib/components/billing/errorMessages';
import { prescribingErrorMessages } from '$lib/components/prescribing/errorMessages';
import { schedulingErrorMessages } from '$lib/components/scheduling/errorMessages';
import { visitErrorMessages } from '$lib/visits/errorMessages';
import { commonErrorMessages, errorMessage, type ErrorParams, type WordedCode } from './errors';

/** Every parameter any sentence takes, so none is left blank. */
const params: ErrorParams = { min: 3, max: 200, seconds: 30, days: 14, count: 2, status: 'confirmed', from: 1900, to: 2200 };

function sentence(locale: 'en' | 'ur', code: WordedCode, p: ErrorParams = params): string {
	overwriteGetLocale(() => locale);
	try {
		return errorMessage(code, p);
	} finally {
		overwriteGetLocale(() => 'en');
	}
}

const URDU_LETTER = /[\u0600-\u06FF]/;

describe('error sentences', () => {
	it.each([...ERROR_CODES, ...EDGE_ERROR_CODES])('words %s in English and in Urdu, not copied from the English', (code) => {
		const en = sentence('en', code);
		const ur = sentence('ur', code);
		expect(en.trim()).not.toBe('');
		expect(ur.trim()).not.toBe('');
		expect(ur).not.toBe(en);
		expect(ur).toMatch(URDU_LETTER);
		expect(en).not.toMatch(URDU_LETTER);
	});

	it('words text the database cannot store in both languages too', () => {
		const en = sentence('en', 'field_invalid', { reason: 'text' });
		const ur = sentence('ur', 'field_invalid', { reason: 'text' });
		expect(en).not.toBe(sentence('en', 'field_invalid'));
		expect(ur).toMatch(URDU_LETTER);
		expect(ur).not.toBe(en);
	});

	it('fills in the parameters it is given', () => {
		expect(sentence('en', 'rate_limited', { seconds: 42 })).toContain('42');
		expect(sentence('ur', 'field_too_long', { max: 120 })).toContain('120');
	});

	it('has each code worded by one table only, so no domain silently rewords another’s code', () => {
		const tables = [
			commonErrorMessages,
			adminErrorMessages,
			patientErrorMessages,
			queueErrorMessages,
			referralErrorMessages,
			schedulingErrorMessages,
			visitErrorMessages,
			prescribingErrorMessages,
			pharmacyErrorMessages,
			billingErrorMessages
		];
		const codes = tables.flatMap((table) => Object.keys(table));
		expect(codes.length).toBe(new Set(codes).size);
		expect(new Set(codes)).toEqual(new Set([...ERROR_CODES, ...EDGE_ERROR_CODES]));
	});
});
