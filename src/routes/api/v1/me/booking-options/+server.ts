import { json } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { apiRoute, methodNotAllowed, requireApiUser } from '$lib/server/edge/api';
import { patientBookingChoices } from '$lib/server/scheduling/patientBooking';
import { bookingOptionsView } from '$lib/server/openapi/scheduling';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = apiRoute(async ({ locals, url }) => {
	const user = requireApiUser(locals);
	const { db } = await getDatabase();
	const wanted = (name: string) => url.searchParams.get(name)?.slice(0, 64) ?? undefined;
	return json(bookingOptionsView.parse(await patientBookingChoices(db, user.id, { clinic: wanted('clinic'), doctor: wanted('doctor'), date: wanted('date') })));
});

export const fallback = methodNotAllowed('GET');
