/** Where to go after signing in: a path on this site only (`?next=`), never another origin. */
export function safeNext(url: URL, fallback = '/'): string {
	const next = url.searchParams.get('next') ?? '';
	return /^\/(?![/\\])\S*$/.test(next) ? next : fallback;
}
