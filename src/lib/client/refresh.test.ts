import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const invalidateAll = vi.fn(async () => {});
vi.mock('$app/navigation', () => ({ invalidateAll }));
const { refreshWhenReachable } = await import('./refresh');

describe('refreshWhenReachable', () => {
	beforeEach(() => invalidateAll.mockClear());
	afterEach(() => vi.unstubAllGlobals());

	const online = (onLine: boolean, fetch: () => Promise<Response>) => {
		vi.stubGlobal('navigator', { onLine });
		const probe = vi.fn(fetch);
		vi.stubGlobal('fetch', probe);
		return probe;
	};

	it('reads the page again when the server answers', async () => {
		const probe = online(true, async () => new Response('{}', { status: 200 }));
		expect(await refreshWhenReachable()).toBe(true);
		expect(probe).toHaveBeenCalledWith('/healthz', { cache: 'no-store' });
		expect(invalidateAll).toHaveBeenCalledTimes(1);
	});

	it('does nothing offline, not even the check', async () => {
		const probe = online(false, async () => new Response('{}'));
		expect(await refreshWhenReachable()).toBe(false);
		expect(probe).not.toHaveBeenCalled();
		expect(invalidateAll).not.toHaveBeenCalled();
	});

	it('does nothing when the network fails though the browser thinks it is online', async () => {
		online(true, async () => Promise.reject(new TypeError('Failed to fetch')));
		expect(await refreshWhenReachable()).toBe(false);
		expect(invalidateAll).not.toHaveBeenCalled();
	});

	it('does nothing while the server says it is unavailable', async () => {
		online(true, async () => new Response('{}', { status: 503 }));
		expect(await refreshWhenReachable()).toBe(false);
		expect(invalidateAll).not.toHaveBeenCalled();
	});
});
