import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, readJson, requireApiClinic } from '$lib/server/edge/api';
import { getPaymentSettings, setPaymentSettings } from '$lib/server/billing/paymentQr';
import { paymentSettingsView } from '$lib/server/openapi/billing';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	return json(paymentSettingsView.parse(await getPaymentSettings(db, ctx)));
});

/** Replacing the payee is naturally idempotent: the same body twice leaves the same settings. */
export const PUT: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readJson(request);
	const { db } = await getDatabase();
	return json(paymentSettingsView.parse(await setPaymentSettings(db, ctx, body)));
});

export const fallback = methodNotAllowed('GET', 'PUT');
