import type { Extension } from '@hocuspocus/server';
import { logger } from '../../src/lib/server/logger';

/** Connection and document lifecycle at debug level, with the document name for context. */
export function logging(): Extension {
	return {
		extensionName: 'tabeeb-logging',
		async connected({ documentName }) {
			logger().debug({ document: documentName }, 'sync connected');
		},
		async onDisconnect({ documentName, clientsCount }) {
			logger().debug({ document: documentName, clients: clientsCount }, 'sync disconnected');
		},
		async afterLoadDocument({ documentName }) {
			logger().debug({ document: documentName }, 'sync document loaded');
		},
		async afterUnloadDocument({ documentName }) {
			logger().debug({ document: documentName }, 'sync document unloaded');
		}
	};
}
