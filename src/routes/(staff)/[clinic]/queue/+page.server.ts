import { error } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import { getDatabase, type Db } from '$lib/server/db';
import { requireClinic } from '$lib/server/edge/access';
import { formFailure, formValues } from '$lib/server/edge';
import { errorMessage } from '$lib/i18n/errors';
import { can } from '$lib/server/queue/policy';
import { today, type TokenView } from '$lib/server/queue/common';
import { checkInPatient } from '$lib/server/queue/checkIn';
import { callNext } from '$lib/server/queue/callNext';
import { completeToken, markUrgent, recallToken, reorderToken, sendBackToken, skipToken } from '$lib/server/queue/changeToken';
import { setTokenNumbering } from '$lib/server/queue/settings';
import type { ClinicContext } from '$lib/server/tenancy/context';
import { listRooms, setTodayRoom } from '$lib/server/queue/rooms';
import { projectClinicQueue } from '$lib/server/sync/projections/queue';
import { searchPatients } from '$lib/server/patients/queries';
import { clinicAppointments } from '$lib/server/scheduling/queries';
import { dayBounds } from '$lib/time';
import { formatRef } from '$lib/server/tenancy/counters';
import { documentName } from '$lib/sync/protocol';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { clinic, ctx } = await requireClinic(event, event.params.clinic);
	if (!can(ctx.actor, 'queue.view')) error(403, { message: errorMessage('forbidden'), code: 'forbidden' });
	const { db } = await getDatabase();
	const day = today(clinic);
	const q = (event.url.searchParams.get('q') ?? '').trim().slice(0, 100);
	const { from, to } = dayBounds(day, clinic.timezone);
	const [initial, appointments, found, rooms] = await Promise.all([
		// The same content the live document carries, so the page is right before the socket connects.
		projectClinicQueue(db, { type: 'queue', clinicId: clinic.id, day }),
		clinicAppointments(db, ctx, from, to),
		q ? searchPatients(db, clinic.id, q, 10) : Promise.resolve([]),
		listRooms(db, clinic.id)
	]);
	return {
		day,
		queueDocument: documentName.queue(clinic.id, day),
		initial,
		perDoctorTokens: clinic.perDoctorTokens,
		rooms: rooms.filter((r) => !r.archived).map((r) => ({ id: r.id, name: r.name })),
		q,
		results: found.map((p) => ({ id: p.id, name: p.name, ref: formatRef(clinic.code, 'P', p.refNo), phone: p.phone })),
		appointments: appointments
			.filter((a) => a.status === 'confirmed' || a.status === 'requested')
			.map((a) => ({
				id: a.id,
				patientName: a.patientName,
				patientRef: formatRef(clinic.code, 'P', a.patientRefNo),
				doctorName: a.doctorName,
				start: a.startsAt.toISOString()
			})),
		// A fresh key per page view: a double-submitted check-in is one check-in.
		checkInKey: randomUUID(),
		can: {
			checkIn: can(ctx.actor, 'queue.checkIn'),
			urgent: can(ctx.actor, 'queue.urgent'),
			reorder: can(ctx.actor, 'queue.reorder'),
			settings: can(ctx.actor, 'queue.settings'),
			callFor: ctx.actor.role === 'doctor' ? 'self' : can(ctx.actor, 'queue.call') ? 'any' : 'none'
		}
	};
};

type Event = Parameters<Actions[string]>[0];

/** Thin actions: parse the form, call one command, map its failure; the live document shows the result. */
async function act(event: Event, run: (ctx: Awaited<ReturnType<typeof requireClinic>>['ctx'], values: Record<string, string>) => Promise<unknown>) {
	const { ctx } = await requireClinic(event, event.params.clinic ?? '');
	const values = await formValues(event.request);
	try {
		return { done: await run(ctx, values) };
	} catch (e) {
		return formFailure(e, values);
	}
}

type TokenChange = (db: Db, ctx: ClinicContext, tokenId: string, values: Record<string, string>) => Promise<TokenView>;
const tokenChanges: Record<'recall' | 'skip' | 'sendBack' | 'complete', TokenChange> = {
	recall: (db, ctx, id) => recallToken(db, ctx, id),
	skip: (db, ctx, id) => skipToken(db, ctx, id),
	sendBack: (db, ctx, id) => sendBackToken(db, ctx, id),
	complete: (db, ctx, id, v) => completeToken(db, ctx, id, { idempotencyKey: v.idempotencyKey || undefined })
};
const isTokenChange = (v: string): v is keyof typeof tokenChanges => Object.hasOwn(tokenChanges, v);

export const actions: Actions = {
	checkIn: (event) =>
		act(event, async (ctx, v) => {
			const { db } = await getDatabase();
			const idempotencyKey = v.idempotencyKey || undefined;
			const input = v.appointmentId
				? { appointmentId: v.appointmentId, idempotencyKey }
				: { patientId: v.patientId, doctorId: v.doctorId || undefined, reason: v.reason ?? '', idempotencyKey };
			const token = await checkInPatient(db, ctx, input);
			return { kind: 'checkedIn', token: token.token, tokenId: token.id };
		}),
	next: (event) =>
		act(event, async (ctx, v) => {
			const { db } = await getDatabase();
			return { kind: 'called', token: (await callNext(db, ctx, { doctorId: v.doctorId, idempotencyKey: v.idempotencyKey || undefined })).token };
		}),
	token: (event) =>
		act(event, async (ctx, v) => {
			const change = v.change ?? '';
			if (!isTokenChange(change)) return null;
			const { db } = await getDatabase();
			return { kind: change, token: (await tokenChanges[change](db, ctx, v.tokenId ?? '', v)).token };
		}),
	urgent: (event) =>
		act(event, async (ctx, v) => {
			const { db } = await getDatabase();
			return { kind: 'urgent', token: (await markUrgent(db, ctx, v.tokenId ?? '', { reason: v.reason })).token };
		}),
	reorder: (event) =>
		act(event, async (ctx, v) => {
			const { db } = await getDatabase();
			return {
				kind: 'reorder',
				token: (await reorderToken(db, ctx, v.tokenId ?? '', { position: v.position, doctorId: v.doctorId || undefined, reason: v.reason })).token
			};
		}),
	room: (event) =>
		act(event, async (ctx, v) => {
			const { db } = await getDatabase();
			await setTodayRoom(db, ctx, { doctorId: v.doctorId, roomId: v.roomId || null });
			return { kind: 'room' };
		}),
	numbering: (event) =>
		act(event, async (ctx, v) => {
			const { db } = await getDatabase();
			await setTokenNumbering(db, ctx, { perDoctorTokens: v.perDoctorTokens === 'on' });
			return { kind: 'numbering' };
		})
};
