import { createHash, randomInt } from 'node:crypto';

/**
 * Link codes are read aloud at the desk and typed on a phone, so their alphabet leaves out the
 * characters people confuse (0/O, 1/I/L, U/V): 30 symbols, 8 of them, about 39 bits. Guessing is
 * kept out by the per-account attempt limit, not by length.
 */
export const LINK_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
export const LINK_CODE_LENGTH = 8;
export const LINK_CODE_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** A fresh code in its stored (normalized) form, e.g. `7K4Q9MXT`. */
export function generateLinkCode(): string {
	let code = '';
	for (let i = 0; i < LINK_CODE_LENGTH; i++) code += LINK_CODE_ALPHABET[randomInt(LINK_CODE_ALPHABET.length)];
	return code;
}

/** How people see it: two groups of four, `7K4Q-9MXT`. */
export function displayLinkCode(code: string): string {
	return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * What the patient typed, as stored: case, spaces and dashes do not matter. Null when it cannot
 * be a code at all (wrong length or a character outside the alphabet).
 */
export function normalizeLinkCode(input: string): string | null {
	const code = input.toUpperCase().replace(/[\s\-–_.]/g, '');
	if (code.length !== LINK_CODE_LENGTH) return null;
	return [...code].every((c) => LINK_CODE_ALPHABET.includes(c)) ? code : null;
}

/** Only this is stored, so a leaked table does not hand out working codes. */
export function hashLinkCode(code: string): string {
	return createHash('sha256').update(code).digest('hex');
}
