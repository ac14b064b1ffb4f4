import type { Extension, onAuthenticatePayload } from '@hocuspocus/server';
import { parseDocumentName, SyncClose } from '../../src/lib/sync/protocol';
import type { Db } from '../../src/lib/server/db';
import type { Catalogue } from '../../src/lib/server/sync/catalogue';
import { documentAccess } from '../../src/lib/server/sync/policy';
import { logger } from '../../src/lib/server/logger';
import { SyncRefusal, type SyncContext } from '../context';
import { identifyConnection, type DisplayKeyResolver } from '../identity';

export type AuthenticationOptions = {
	db: Db;
	catalogue: Catalogue;
	resolveDisplayKey: DisplayKeyResolver | null;
	/** The app's public origin; a session cookie counts only from it (or the same host). */
	allowedOrigin: string | null;
};

/**
 * Who is connecting and what they may do with this document: the same policy as the routes.
 * Readers get `readOnly`, which makes Hocuspocus drop their document updates.
 */
export function authentication(options: AuthenticationOptions): Extension {
	return {
		extensionName: 'tabeeb-authentication',
		async onAuthenticate(payload: onAuthenticatePayload): Promise<SyncContext> {
			const context: SyncContext = payload.context;
			const socket = context.socket;
			const refuse = (close: { code: number; reason: string }) => {
				logger().info({ document: payload.documentName, reason: close.reason }, 'sync document refused');
				socket?.refusedDocument(close);
				return new SyncRefusal(close.code, close.reason);
			};
			const ref = parseDocumentName(payload.documentName);
			if (!ref) throw refuse(SyncClose.unknownDocument);
			const identify = () =>
				identifyConnection(
					options.db,
					{ token: payload.token ?? '', headers: payload.requestHeaders, allowedOrigin: options.allowedOrigin },
					options.resolveDisplayKey
				);
			const actor = await (socket ? socket.identify(payload.token ?? '', identify) : identify());
			if (!actor) throw refuse(SyncClose.unauthenticated);
			const locate = options.catalogue.locators[ref.type];
			const facts = locate ? await locate(options.db, ref, actor) : null;
			if (!facts) throw refuse(SyncClose.unknownDocument);
			const access = documentAccess(actor, ref, facts);
			if (access === 'none') throw refuse(SyncClose.forbidden);
			payload.connectionConfig.readOnly = access !== 'write';
			const overBudget = socket ? await socket.admitDocument(payload.documentName, actor, ref) : null;
			if (overBudget) throw refuse(overBudget);
			return { actor, ref, facts, access };
		}
	};
}
