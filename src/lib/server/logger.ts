import type { Logger } from 'pino';
import { services } from './services';

/** The process's logger (built with its services, services.ts). */
export function logger(): Logger {
	return services().logger;
}
