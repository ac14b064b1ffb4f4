import { invalidateAll } from '$app/navigation';

/**
 * Reads the page's data again, but only when the server answers. SvelteKit meets a data request
 * that fails on the network by loading the whole page from the server, which offline replaces the
 * page (and whatever is being typed on it) with the browser's "no connection" page. So the check
 * comes first, with a request whose failure is only a failure: offline, or the server unreachable,
 * nothing happens and the caller tries again later. Returns whether the data was read again.
 */
export async function refreshWhenReachable(): Promise<boolean> {
	if (!navigator.onLine) return false;
	try {
		const answer = await fetch('/healthz', { cache: 'no-store' });
		if (!answer.ok) return false;
	} catch {
		return false;
	}
	await invalidateAll();
	return true;
}
