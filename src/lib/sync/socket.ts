import type { HocuspocusProviderWebsocket } from '@hocuspocus/provider';

/**
 * Destroys a provider socket for good. When the server closes a connection, the socket sets a timer
 * to reconnect; `destroy()` does not clear it, and when it fires `connect()` turns the socket back
 * on: a destroyed socket opens connections again (for ever, with unlimited attempts) and, once the
 * server is gone, rejects where nobody listens. Every socket is destroyed through here.
 */
export function destroySocket(socket: HocuspocusProviderWebsocket) {
	socket.connect = async () => {};
	socket.destroy();
}
