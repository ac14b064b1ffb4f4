import { getDatabase } from '$lib/server/db';
import { apiRoute, created, methodNotAllowed, readJson } from '$lib/server/edge/api';
import { setupInstallation } from '$lib/server/tenancy/setupInstallation';
import { setupView } from '$lib/server/openapi/tenancy';
import type { RequestHandler } from './$types';

/** First run, as the /setup page does it; the database lets exactly one call win. */
export const POST: RequestHandler = apiRoute(async ({ request }) => {
	const body = await readJson(request);
	const { db } = await getDatabase();
	return created(setupView.parse(await setupInstallation(db, body)));
});

export const fallback = methodNotAllowed('POST');
