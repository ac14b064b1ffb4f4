/**
 * A path on this site that is safe to redirect to, or null. Refused: anything not starting with
 * one `/` (absolute URLs, `//host`), a backslash anywhere (browsers read `/\host` as `//host`),
 * spaces and control characters, and any of these hidden behind percent-encoding (`/%5Chost`,
 * `/%2F%2Fhost`), which a proxy or a later redirect might decode.
 */
export function localPath(target: string): string | null {
	if (!isPlainLocalPath(target)) return null;
	let decoded: string;
	try {
		decoded = decodeURIComponent(target);
	} catch {
		return null;
	}
	return isPlainLocalPath(decoded) ? target : null;
}

function isPlainLocalPath(path: string): boolean {
	// eslint-disable-next-line no-control-regex
	return /^\/(?!\/)[^\\\s\u0000-\u001f\u007f]*$/.test(path);
}

/** Where to go after signing in: a path on this site only (`?next=`), never another origin. */
export function safeNext(url: URL, fallback = '/'): string {
	return localPath(url.searchParams.get('next') ?? '') ?? fallback;
}
