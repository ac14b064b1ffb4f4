import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiClinic } from '$lib/server/edge/api';
import { readCommand } from '$lib/server/edge/idempotency';
import { importMedicines } from '$lib/server/pharmacy/stockImport';
import { medicinesImportOutput } from '$lib/server/openapi/stockOps';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const { ctx } = await requireApiClinic(locals, params.code);
	const body = await readCommand(request);
	const { db } = await getDatabase();
	return json(medicinesImportOutput.parse(await importMedicines(db, ctx, body)));
});

export const fallback = methodNotAllowed('POST');
