import { error, json } from '@sveltejs/kit';
import { z } from 'zod';
import { getDatabase } from '$lib/server/db';
import { requireClinic } from '$lib/server/edge/access';
import { errorMessage } from '$lib/i18n/errors';
import { can } from '$lib/server/patients/policy';
import { searchPatients } from '$lib/server/patients/queries';
import { formatRef } from '$lib/server/tenancy/counters';
import type { RequestHandler } from './$types';

const query = z.string().trim().max(100).catch('');

/** Search as you type for the booking and waitlist pickers: a few matches, names and references only. */
export const GET: RequestHandler = async (event) => {
	const { clinic, ctx } = await requireClinic(event, event.params.clinic);
	if (!can(ctx.actor, 'patient.view')) error(403, { message: errorMessage('forbidden'), code: 'forbidden' });
	const q = query.parse(event.url.searchParams.get('q') ?? '');
	if (q.length < 2) return json({ patients: [] });
	const { db } = await getDatabase();
	const found = await searchPatients(db, ctx.clinicId, q, 8);
	return json({ patients: found.map((p) => ({ id: p.id, name: p.name, ref: formatRef(clinic.code, 'P', p.refNo), phone: p.phone })) });
};
