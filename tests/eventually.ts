/** Polls until the check passes (sync is asynchronous); fails with the last value seen. */
export async function eventually<T>(read: () => T, ok: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
	const until = Date.now() + timeoutMs;
	let value = read();
	while (!ok(value)) {
		if (Date.now() > until) throw new Error(`timed out; last value: ${JSON.stringify(value)}`);
		await new Promise((r) => setTimeout(r, 20));
		value = read();
	}
	return value;
}
