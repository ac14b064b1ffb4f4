import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { forbidden, notFound } from '$lib/server/errors';
import { apiRoute, methodNotAllowed, readJson, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { can } from '$lib/server/patients/policy';
import { getPatient } from '$lib/server/patients/queries';
import { updatePatient } from '$lib/server/patients/updatePatient';
import { toPatientView } from '$lib/server/openapi/patients';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params }) => {
	const { clinic, ctx } = await requireApiClinic(locals, params.code);
	const id = resourceId(params.id);
	if (!can(ctx.actor, 'patient.view')) throw forbidden();
	const { db } = await getDatabase();
	const record = await getPatient(db, ctx.clinicId, id);
	if (!record) throw notFound('No such patient');
	return json(toPatientView(record, clinic.code));
});

export const PATCH: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { clinic, ctx } = await requireApiClinic(locals, params.code);
	const id = resourceId(params.id);
	const body = await readJson(request);
	const { db } = await getDatabase();
	return json(toPatientView(await updatePatient(db, ctx, id, body), clinic.code));
});

export const fallback = methodNotAllowed('GET', 'PATCH');
