import { loadSheet } from './loadSheet';
import type { PageServerLoad } from './$types';

/** The prescribing screen: the visit's doctor writes while the visit is open; other clinicians and the pharmacy read. */
export const load: PageServerLoad = async (event) => ({ sheet: await loadSheet(event) });
