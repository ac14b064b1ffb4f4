import { createTOTPKeyURI, verifyHOTP } from '@oslojs/otp';
import { decodeBase64, encodeBase32UpperCaseNoPadding, encodeBase64, encodeHexLowerCase } from '@oslojs/encoding';
import { sha256 } from '@oslojs/crypto/sha2';

const PERIOD_SECONDS = 30;
const DIGITS = 6;

export function generateTotpKey(): string {
	return encodeBase64(crypto.getRandomValues(new Uint8Array(20)));
}

/** What an authenticator app needs: an otpauth:// URI for the QR code and the key to type by hand. */
export function totpEnrolment(keyBase64: string, issuer: string, accountName: string) {
	const key = decodeBase64(keyBase64);
	return {
		uri: createTOTPKeyURI(issuer, accountName, key, PERIOD_SECONDS, DIGITS),
		manualKey: encodeBase32UpperCaseNoPadding(key)
			.replace(/(.{4})/g, '$1 ')
			.trim()
	};
}

/**
 * The time step (30-second periods since 1970) whose code `code` is, or null. One step of grace
 * either side tolerates a phone clock a little off; the latest matching step wins, so recording
 * it refuses every earlier code too.
 */
export function totpStep(keyBase64: string, code: string, now = Date.now()): number | null {
	const digits = code.replace(/\s/g, '');
	if (!/^\d{6}$/.test(digits)) return null;
	const key = decodeBase64(keyBase64);
	const current = Math.floor(now / 1000 / PERIOD_SECONDS);
	for (let step = current + 1; step >= current - 1; step--) {
		if (verifyHOTP(key, BigInt(step), DIGITS, digits)) return step;
	}
	return null;
}

export function generateRecoveryCodes(count = 10): string[] {
	const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
	return Array.from({ length: count }, () => {
		const bytes = crypto.getRandomValues(new Uint8Array(10));
		const chars = [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
		return `${chars.slice(0, 5)}-${chars.slice(5)}`;
	});
}

export function hashRecoveryCode(code: string): string {
	const normalized = code.toUpperCase().replace(/[^A-Z0-9]/g, '');
	return encodeHexLowerCase(sha256(new TextEncoder().encode(normalized)));
}
