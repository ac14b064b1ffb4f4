import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: { runes: true },
	kit: {
		// Separate output folders let several builds (CI, a developer's e2e run) coexist.
		outDir: process.env.TABEEB_KIT_DIR ?? '.svelte-kit',
		adapter: adapter({ out: process.env.TABEEB_BUILD_DIR ?? 'build' }),
		// The app checks the origin itself (src/lib/server/edge/crossSite.ts), before any body is
		// read and also for requests without a form body, and answers in the person's language.
		csrf: { trustedOrigins: ['*'] },
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:', 'blob:'],
				'font-src': ['self', 'data:'],
				// The hook adds this origin's own ws:/wss: address (securityHeaders.ts), no other host.
				'connect-src': ['self'],
				'media-src': ['self', 'data:'],
				'worker-src': ['self'],
				'manifest-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self'],
				'frame-ancestors': ['none']
			}
		}
	}
};

export default config;
