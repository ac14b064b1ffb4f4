import { error } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { translatedError, type TranslatedError } from '$lib/server/edge';
import { clinicToday } from '$lib/time';
import { errorMessage } from '$lib/i18n/errors';
import { isAppError } from '$lib/server/errors';
import { can } from '$lib/server/pharmacy/policy';
import { dispensingLog, medicineMovementReport, MOVEMENT_KINDS, reportableMedicines, stockValue } from '$lib/server/pharmacy/reports';
import { pharmacyClinic } from '$lib/server/pharmacy/stock';
import type { ClinicContext } from '$lib/server/tenancy/context';
import type { PageServerLoad } from './$types';

const REPORTS = ['dispensing', 'movements', 'value'] as const;
type Report = (typeof REPORTS)[number];
const isReport = (value: string | null): value is Report => REPORTS.some((r) => r === value);

/** The URL's own parameters for one report (empty ones left out, so defaults apply). */
function queryOf(url: URL, keys: string[]): Record<string, string> {
	return Object.fromEntries([...url.searchParams].filter(([k, v]) => keys.includes(k) && v !== ''));
}

export const load: PageServerLoad = async ({ parent, url }) => {
	const { clinic, role, user } = await parent();
	const actor = { userId: user.id, role };
	if (!can(actor, 'stock.view')) error(403, { message: errorMessage('forbidden'), code: 'forbidden' });
	const ctx: ClinicContext = { clinicId: clinic.id, actor };
	const { db } = await getDatabase();
	const requested = url.searchParams.get('report');
	const report: Report = isReport(requested) ? requested : 'dispensing';
	const home = await pharmacyClinic(db, clinic.id);
	const shown: {
		dispensing: Awaited<ReturnType<typeof dispensingLog>> | null;
		movements: Awaited<ReturnType<typeof medicineMovementReport>> | null;
		value: Awaited<ReturnType<typeof stockValue>> | null;
		medicines: Awaited<ReturnType<typeof reportableMedicines>>;
		problem: TranslatedError | null;
	} = { dispensing: null, movements: null, value: null, medicines: [], problem: null };
	const query = queryOf(url, report === 'dispensing' ? ['date'] : report === 'movements' ? ['medicineId', 'from', 'to', 'kind'] : []);
	try {
		if (report === 'movements') shown.medicines = await reportableMedicines(db, ctx);
		if (report === 'dispensing') shown.dispensing = await dispensingLog(db, ctx, query);
		if (report === 'value') shown.value = await stockValue(db, ctx);
		if (report === 'movements' && query.medicineId) shown.movements = await medicineMovementReport(db, ctx, query);
	} catch (e) {
		// A mistyped day or an unknown medicine in the address: said in the reader's language, nothing shown.
		if (!isAppError(e) || (e.status !== 400 && e.status !== 404)) throw e;
		shown.problem = translatedError(e);
	}
	return {
		report,
		query,
		kinds: [...MOVEMENT_KINDS],
		currency: home.currency,
		currencyExponent: home.currencyExponent,
		timezone: home.timezone,
		today: clinicToday(home.timezone),
		...shown
	};
};
