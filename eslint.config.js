// `npm run check` runs this after svelte-check. Type-aware rules catch what the compiler does not:
// a promise nobody awaits (a command whose failure would vanish) and a promise handed to something
// that ignores it (an async function as an event handler).
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
	{
		ignores: [
			'build/',
			'build-*/',
			'.svelte-kit/',
			'.svelte-kit-*/',
			'src/lib/paraglide/',
			'drizzle/',
			'test-results/',
			'playwright-report/',
			'data/',
			'test-data/',
			'node_modules/'
		]
	},
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{
		languageOptions: {
			globals: { ...globals.browser, ...globals.node },
			parserOptions: {
				projectService: { allowDefaultProject: ['playwright.config.ts', 'drizzle.config.ts', 'src/service-worker.ts'] },
				tsconfigRootDir: import.meta.dirname,
				extraFileExtensions: ['.svelte']
			}
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		languageOptions: { parserOptions: { parser: ts.parser, svelteConfig } }
	},
	{
		rules: {
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-misused-promises': 'error',
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
			// Links are built from clinic codes and localised by paraglide; the app has no base path.
			'svelte/no-navigation-without-resolve': 'off',
			// It flags Maps that are local to a function or a deliberate non-reactive cache (one
			// idempotency key per form); state that must be reactive is declared with $state.
			'svelte/prefer-svelte-reactivity': 'off',
			// The mustaches it flags are deliberate: a space kept at an {#if} edge, braces in a pattern.
			'svelte/no-useless-mustaches': 'off'
		}
	},
	{
		// Plain JavaScript outside the TypeScript project (configs, scripts): no type information.
		files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
		...ts.configs.disableTypeChecked
	}
);
