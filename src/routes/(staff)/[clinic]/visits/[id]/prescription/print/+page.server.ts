import { loadSheet } from '../loadSheet';
import type { PageServerLoad } from './$types';

/** The printable prescription; `?paper=a4` for A4 instead of A5. */
export const load: PageServerLoad = async (event) => {
	const sheet = await loadSheet(event);
	return {
		sheet,
		paper: event.url.searchParams.get('paper') === 'a4' ? ('a4' as const) : ('a5' as const),
		back: `/${event.params.clinic}/visits/${sheet.visit.id}/prescription`
	};
};
