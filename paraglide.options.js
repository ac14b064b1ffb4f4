/** Paraglide's compiler options, shared by the Vite plugin and `npm run check` (which compiles before type-checking). */
/** @type {import('@inlang/paraglide-js').CompilerOptions} */
export const paraglideOptions = {
	project: './project.inlang',
	outdir: './src/lib/paraglide',
	strategy: ['cookie', 'preferredLanguage', 'baseLocale']
};
