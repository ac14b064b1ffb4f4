import { generateHOTP } from '@oslojs/otp';
import { encodeBase64 } from '@oslojs/encoding';

const PERIOD_MS = 30_000;
const lastStep = new Map<string, number>();

/**
 * The code an authenticator app shows, never one handed out before: Tabeeb accepts each TOTP code
 * once and refuses any step at or before the last accepted one. A test that uses a key twice
 * within 30 seconds gets the next step's code (accepted within the server's one-step grace), and
 * waits only when even that is spent.
 */
export async function freshTotp(key: Uint8Array): Promise<string> {
	const id = encodeBase64(key);
	let current = Math.floor(Date.now() / PERIOD_MS);
	const step = Math.max(current, (lastStep.get(id) ?? -1) + 1);
	while (step > current + 1) {
		await new Promise((r) => setTimeout(r, (current + 1) * PERIOD_MS - Date.now() + 50));
		current = Math.floor(Date.now() / PERIOD_MS);
	}
	lastStep.set(id, step);
	return generateHOTP(key, BigInt(step), 6);
}

/** The code of the step `offset` periods from now (as a phone clock that far off would show), without marking it used. */
export function totpAt(key: Uint8Array, offset: number): string {
	return generateHOTP(key, BigInt(Math.floor(Date.now() / PERIOD_MS) + offset), 6);
}
