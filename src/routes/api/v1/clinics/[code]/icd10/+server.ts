import { json } from '@sveltejs/kit';
import { apiRoute, methodNotAllowed, requireApiClinic } from '$lib/server/edge/api';
import { lookUpDiagnosisCodes } from '$lib/server/visits/diagnosisLookup';
import { icd10ResultsView } from '$lib/server/openapi/visits';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params, url }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	return json(icd10ResultsView.parse({ results: lookUpDiagnosisCodes(ctx, Object.fromEntries(url.searchParams)) }));
});

export const fallback = methodNotAllowed('GET');
