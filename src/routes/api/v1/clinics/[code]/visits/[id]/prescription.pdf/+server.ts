import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { prescriptionSheet } from '$lib/server/prescribing/sheet';
import { prescriptionPdf } from '$lib/server/prescribing/pdf';
import { m } from '$lib/paraglide/messages.js';
import { getLocale } from '$lib/paraglide/runtime';
import { formatLocale } from '$lib/i18n/formatLocale';
import type { RequestHandler } from './$types';

/** The prescription as an A5 PDF (`?paper=A4` for A4), its labels in the caller's language; refusals stay JSON. */
export const GET: RequestHandler = apiRoute(async ({ locals, params, url }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	const sheet = await prescriptionSheet(db, ctx, resourceId(params.id));
	const dateText = new Intl.DateTimeFormat(formatLocale(getLocale()), {
		timeZone: sheet.clinic.timezone,
		day: 'numeric',
		month: 'long',
		year: 'numeric'
	}).format(new Date(sheet.visit.startedAt));
	const bytes = await prescriptionPdf(
		sheet,
		{
			patient: m.rx_print_patient(),
			doctor: m.rx_print_doctor(),
			date: m.rx_print_date(),
			visit: m.rx_visit(),
			signature: m.rx_print_signature(),
			allergies: m.rx_print_allergies(),
			dateText
		},
		url.searchParams.get('paper') === 'A4' ? 'A4' : 'A5'
	);
	return new Response(new Uint8Array(bytes), {
		headers: {
			'content-type': 'application/pdf',
			'content-disposition': `inline; filename="${sheet.visit.ref}.pdf"`,
			'cache-control': 'no-store'
		}
	});
});

export const fallback = methodNotAllowed('GET');
