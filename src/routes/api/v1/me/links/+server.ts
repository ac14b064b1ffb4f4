import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, created, methodNotAllowed, readJson, requireApiUser } from '$lib/server/edge/api';
import { linkPatientAccount } from '$lib/server/patients/linkPatientAccount';
import { accountLinks } from '$lib/server/patients/linkQueries';
import { accountLinkView, accountLinksView } from '$lib/server/openapi/patients';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals }) => {
	const user = requireApiUser(locals);
	const { db } = await getDatabase();
	return json(accountLinksView.parse({ links: await accountLinks(db, user.id) }));
});

export const POST: RequestHandler = apiRoute(async ({ locals, request, getClientAddress }) => {
	const user = requireApiUser(locals);
	const body = await readJson(request);
	const { db } = await getDatabase();
	return created(accountLinkView.parse(await linkPatientAccount(db, user, body, getClientAddress())));
});

export const fallback = methodNotAllowed('GET', 'POST');
