import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { forbidden } from '$lib/server/errors';
import { parseInput } from '$lib/server/validation';
import { apiRoute, created, methodNotAllowed, requireApiClinic } from '$lib/server/edge/api';
import { can } from '$lib/server/patients/policy';
import { searchPatients } from '$lib/server/patients/queries';
import { registerPatient } from '$lib/server/patients/registerPatient';
import { registerOptions, searchQuery, toPatientView, toSummaryView } from '$lib/server/openapi/patients';
import { readCommand } from '$lib/server/edge/idempotency';
import { duplicateResponse, splitOptions } from './duplicates';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params, url }) => {
	const { clinic, ctx } = await requireApiClinic(locals, params.code);
	if (!can(ctx.actor, 'patient.view')) throw forbidden();
	const { q, limit } = parseInput(searchQuery, Object.fromEntries(url.searchParams));
	const { db } = await getDatabase();
	const found = await searchPatients(db, ctx.clinicId, q, limit);
	return json({ patients: found.map((p) => toSummaryView(p, clinic.code)) });
});

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { clinic, ctx } = await requireApiClinic(locals, params.code);
	const { options, record } = splitOptions(await readCommand(request));
	const { allowDuplicate, idempotencyKey } = parseInput(registerOptions, options);
	const { db } = await getDatabase();
	const result = await registerPatient(db, ctx, record, { allowDuplicate, idempotencyKey });
	if (result.status === 'possible_duplicates') return duplicateResponse(result.candidates.map((p) => toSummaryView(p, clinic.code)));
	return created(toPatientView(result.patient, clinic.code));
});

export const fallback = methodNotAllowed('GET', 'POST');
