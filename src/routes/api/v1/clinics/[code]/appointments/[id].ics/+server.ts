import { and, eq } from 'drizzle-orm';
import { getDatabase } from '$lib/server/db';
import { notFound } from '$lib/server/errors';
import { apiRoute, methodNotAllowed, requireApiClinic, resourceId } from '$lib/server/edge/api';
import { appointment } from '$lib/server/db/schema/scheduling';
import { appUser } from '$lib/server/db/schema';
import { appointmentIcs } from '$lib/server/scheduling/ics';
import { formatRef } from '$lib/server/tenancy/counters';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, params }) => {
	const { clinic, ctx } = await requireApiClinic(locals, params.code);
	const { db } = await getDatabase();
	const [row] = await db
		.select({ appointment, doctorName: appUser.name })
		.from(appointment)
		.innerJoin(appUser, eq(appUser.id, appointment.doctorId))
		.where(and(eq(appointment.clinicId, ctx.clinicId), eq(appointment.id, resourceId(params.id))));
	if (!row) throw notFound();
	const ref = formatRef(clinic.code, 'A', row.appointment.refNo);
	const body = appointmentIcs({
		id: row.appointment.id,
		ref,
		start: row.appointment.startsAt,
		end: row.appointment.endsAt,
		doctorName: row.doctorName,
		clinicName: clinic.name,
		clinicAddress: [clinic.city, clinic.state].filter(Boolean).join(', '),
		status: row.appointment.status
	});
	return new Response(body, {
		headers: { 'content-type': 'text/calendar; charset=utf-8', 'content-disposition': `attachment; filename="${ref}.ics"`, 'cache-control': 'no-store' }
	});
});

export const fallback = methodNotAllowed('GET');
