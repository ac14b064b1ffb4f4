import { json } from '@sveltejs/kit';
import { getDatabase, type Db } from '$lib/server/db';
import { notFound } from '$lib/server/errors';
import { apiRoute, methodNotAllowed, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { readCommand } from '$lib/server/edge/idempotency';
import { completeToken, markUrgent, recallToken, reorderToken, sendBackToken, skipToken } from '$lib/server/queue/changeToken';
import type { TokenView } from '$lib/server/queue/common';
import type { ClinicContext } from '$lib/server/tenancy/context';
import { tokenView } from '$lib/server/openapi/queue';
import type { RequestHandler } from './$types';

type Change = (db: Db, ctx: ClinicContext, id: string, request: Request) => Promise<TokenView>;

/** The state changes of a token, one POST each. */
const changes: Record<string, Change> = {
	recall: async (db, ctx, id, request) => recallToken(db, ctx, id, await readCommand(request, { bodyOptional: true })),
	skip: async (db, ctx, id, request) => skipToken(db, ctx, id, await readCommand(request, { bodyOptional: true })),
	'send-back': async (db, ctx, id, request) => sendBackToken(db, ctx, id, await readCommand(request, { bodyOptional: true })),
	complete: async (db, ctx, id, request) => completeToken(db, ctx, id, await readCommand(request, { bodyOptional: true })),
	urgent: async (db, ctx, id, request) => markUrgent(db, ctx, id, await readCommand(request)),
	reorder: async (db, ctx, id, request) => reorderToken(db, ctx, id, await readCommand(request))
};

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const change = Object.hasOwn(changes, params.action) ? changes[params.action] : null;
	if (!change) throw notFound();
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	return json(tokenView.parse(await change(db, ctx, resourceId(params.tokenId), request)));
});

export const fallback = methodNotAllowed('POST');
