import { getDatabase } from '$lib/server/db';
import { kioskClinicId } from '$lib/server/queue/displayKeys';
import { loadClinic, today } from '$lib/server/queue/common';
import { documentName } from '$lib/sync/protocol';
import type { PageServerLoad } from './$types';

/** The screen needs the clinic's branding and today's display document; nothing about patients. */
export const load: PageServerLoad = async ({ params, url, setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
	const { db } = await getDatabase();
	const clinicId = await kioskClinicId(db, params.displayKey);
	const lang = url.searchParams.get('lang');
	const languages = lang === 'en' ? ['en'] : lang === 'ur' ? ['ur'] : ['en', 'ur'];
	if (!clinicId) return { valid: false as const, languages };
	const home = await loadClinic(db, clinicId);
	return {
		valid: true as const,
		// Already in the address bar; the screen sends it as its sync credential.
		key: params.displayKey,
		languages,
		day: today(home),
		timezone: home.timezone,
		displayDocument: documentName.display(home.id, today(home)),
		clinic: { name: home.name, color: home.branding.color ?? null, tagline: home.branding.tagline ?? null }
	};
};
