import { createTOTPKeyURI, verifyTOTPWithGracePeriod } from '@oslojs/otp';
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
		manualKey: encodeBase32UpperCaseNoPadding(key).replace(/(.{4})/g, '$1 ').trim()
	};
}

export function verifyTotp(keyBase64: string, code: string): boolean {
	const digits = code.replace(/\s/g, '');
	if (!/^\d{6}$/.test(digits)) return false;
	// One period of grace either side tolerates a phone clock a little off.
	return verifyTOTPWithGracePeriod(decodeBase64(keyBase64), PERIOD_SECONDS, DIGITS, digits, PERIOD_SECONDS);
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
