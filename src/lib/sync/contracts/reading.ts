import type * as z from 'zod/mini';

/**
 * Reads live content against its contract: `empty` before the first sync, `mismatch` when the
 * server speaks a shape this build does not know (the screen asks to update the app).
 */
export type ContentReading<T> = { state: 'empty' } | { state: 'ok'; value: T } | { state: 'mismatch' };

export function readContent<T>(schema: z.ZodMiniType<T>, content: Record<string, unknown>): ContentReading<T> {
	if (Object.keys(content).length === 0) return { state: 'empty' };
	const parsed = schema.safeParse(content);
	return parsed.success ? { state: 'ok', value: parsed.data } : { state: 'mismatch' };
}
