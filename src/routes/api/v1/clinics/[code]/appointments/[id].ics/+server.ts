import { and, eq } from 'drizzle-orm';
import { getDatabase } from '$lib/server/db';
import { forbidden, notFound } from '$lib/server/errors';
import { can } from '$lib/server/scheduling/policy';
import { apiRoute, methodNotAllowed, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { appointment } from '$lib/server/db/schema/scheduling';
import { appUser } from '$lib/server/db/schema';
import { appointmentIcsResponse } from '$lib/server/scheduling/ics';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params }) => {
	const { clinic, ctx } = await requireApiClinic(locals, params.code);
	if (!can(ctx.actor, 'calendar.view')) throw forbidden();
	const { db } = await getDatabase();
	const [row] = await db
		.select({ appointment, doctorName: appUser.name })
		.from(appointment)
		.innerJoin(appUser, eq(appUser.id, appointment.doctorId))
		.where(and(eq(appointment.clinicId, ctx.clinicId), eq(appointment.id, resourceId(params.id))));
	if (!row) throw notFound();
	return appointmentIcsResponse(clinic, row.appointment, row.doctorName);
});

export const fallback = methodNotAllowed('GET');
