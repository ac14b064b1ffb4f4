/**
 * The security headers of every response, in one place: the app's hook sets them on what
 * SvelteKit answers, and the production server (sync-server/app.ts) sets them before any
 * handler runs, so static files (served by adapter-node before the hooks) carry them too.
 *
 * Framing: the kiosk page (/kiosk/…) may be framed by this origin only (a clinic's own
 * dashboard), everything else by nobody, and X-Frame-Options and CSP's frame-ancestors say the
 * same thing for browsers that read either.
 *
 * The microphone: a visit's chart page (/{clinic}/visits/{id}) records voice notes, so it alone
 * may use the microphone (this origin only) and play `blob:` media (a note just recorded);
 * every other page, and every API response, keeps both off.
 */
const KIOSK_PREFIX = '/kiosk/';
const CHART_PAGE = /^\/[^/]+\/visits\/[^/]+\/?$/;

export const mayBeFramedBySameOrigin = (pathname: string) => pathname.startsWith(KIOSK_PREFIX);

export const mayRecordVoice = (pathname: string) => CHART_PAGE.test(pathname) && !pathname.startsWith('/api/');

export function baseSecurityHeaders(pathname: string, secure: boolean): Record<string, string> {
	const framed = mayBeFramedBySameOrigin(pathname);
	return {
		'x-content-type-options': 'nosniff',
		'referrer-policy': 'same-origin',
		'x-frame-options': framed ? 'SAMEORIGIN' : 'DENY',
		// Responses SvelteKit gives a full policy to (pages) replace this one.
		'content-security-policy': `frame-ancestors ${framed ? "'self'" : "'none'"}`,
		'cross-origin-opener-policy': 'same-origin',
		'permissions-policy': `camera=(), microphone=${mayRecordVoice(pathname) ? '(self)' : '()'}, geolocation=(), payment=()`,
		...(secure ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {})
	};
}

/**
 * Completes the page policy SvelteKit built from svelte.config.js: frame-ancestors as above, and
 * connect-src naming this origin's own WebSocket address (live sync at /sync) next to 'self',
 * for browsers whose 'self' does not yet cover ws:/wss: — never any other host — and, on a chart
 * page only, `blob:` in media-src for playing a voice note just recorded.
 */
export function completePagePolicy(policy: string, url: URL): string {
	const socket = `${url.protocol === 'https:' ? 'wss' : 'ws'}://${url.host}`;
	const ancestors = mayBeFramedBySameOrigin(url.pathname) ? "'self'" : "'none'";
	const directives = policy
		.split(';')
		.map((directive) => directive.trim())
		.filter((directive) => directive !== '' && directive.split(/\s+/)[0] !== 'frame-ancestors')
		.map((directive) => (directive.split(/\s+/)[0] === 'connect-src' ? `${directive} ${socket}` : directive))
		.map((directive) => (directive.split(/\s+/)[0] === 'media-src' && mayRecordVoice(url.pathname) ? `${directive} blob:` : directive));
	return [...directives, `frame-ancestors ${ancestors}`].join('; ');
}
