import pino, { type Logger } from 'pino';
import { env } from './env';

type LoggerGlobal = typeof globalThis & { __tabeebLogger?: Logger };

export function logger(): Logger {
	const g: LoggerGlobal = globalThis;
	g.__tabeebLogger ??= pino({ level: env().NODE_ENV === 'test' ? 'warn' : env().LOG_LEVEL, base: { app: 'tabeeb' } });
	return g.__tabeebLogger;
}
