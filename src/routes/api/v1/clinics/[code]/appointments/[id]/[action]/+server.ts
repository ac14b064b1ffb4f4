import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { notFound } from '$lib/server/errors';
import { apiRoute, methodNotAllowed, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { readCommand } from '$lib/server/edge/idempotency';
import { cancelAppointment, decideAppointment, markNoShow, rescheduleAppointment } from '$lib/server/scheduling/changeAppointment';
import { appointmentView } from '$lib/server/openapi/scheduling';
import type { Db } from '$lib/server/db';
import type { ClinicContext } from '$lib/server/tenancy/context';
import type { BookedAppointment } from '$lib/server/scheduling/bookAppointment';
import type { RequestHandler } from './$types';

type Change = (db: Db, ctx: ClinicContext, id: string, request: Request) => Promise<BookedAppointment>;

/** The state changes of an appointment, one POST each. */
const changes: Record<string, Change> = {
	reschedule: async (db, ctx, id, request) => rescheduleAppointment(db, ctx, id, await readCommand(request)),
	cancel: async (db, ctx, id, request) => cancelAppointment(db, ctx, id, await readCommand(request)),
	confirm: async (db, ctx, id, request) => decideAppointment(db, ctx, id, 'confirm', await readCommand(request, { bodyOptional: true })),
	decline: async (db, ctx, id, request) => decideAppointment(db, ctx, id, 'decline', await readCommand(request, { bodyOptional: true })),
	'no-show': async (db, ctx, id, request) => markNoShow(db, ctx, id, await readCommand(request, { bodyOptional: true }))
};

export const POST: RequestHandler = apiRoute(async ({ locals, params, request }) => {
	const change = Object.hasOwn(changes, params.action) ? changes[params.action] : null;
	if (!change) throw notFound();
	const { ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	const result = await change(db, ctx, resourceId(params.id), request);
	return json(appointmentView.parse(result));
});

export const fallback = methodNotAllowed('POST');
