import { and, count, eq, gte, inArray } from 'drizzle-orm';
import { appointment } from '../db/schema/scheduling';
import type { Db } from '../db';
import { forbidden } from '../errors';
import { tokenLabel } from '../queue/queries';
import { planTokensForMerge } from '../queue/mergeTokens';
import type { ClinicContext } from '../tenancy/context';
import { can } from './policy';

type Side = 'survivor' | 'merged';

/** What a merge would do to the line and the bookings, told before the user confirms it. */
export type MergePreview = {
	/** Days both records hold an active token: one is kept, the other cancelled (reason `merged`). */
	settle: { day: string; kept: { token: string; record: Side }; cancelled: { token: string; record: Side }; appointment: 'moved' | 'cancelled' | null }[];
	/** The duplicate's active tokens on days the survivor has none: they move over, keeping their place. */
	move: { day: string; token: string }[];
	/** Days both tokens are with a doctor: the merge will be refused until one consultation ends. */
	busy: { day: string; tokens: [string, string] }[];
	/** The duplicate's bookings not yet over and still open (requested or confirmed), which move to the survivor. */
	upcomingAppointments: number;
};

/**
 * The merge's own token rule (planTokensForMerge), read without locks: what would happen if the
 * merge ran now. The merge itself plans again under its locks, so a line that changes between
 * this preview and the confirmation is still settled by the same rule.
 */
export async function previewMerge(db: Db, ctx: ClinicContext, survivorId: string, mergedId: string, now = new Date()): Promise<MergePreview> {
	if (!can(ctx.actor, 'patient.merge')) throw forbidden();
	const plan = await planTokensForMerge(db, ctx.clinicId, survivorId, mergedId);
	const side = (patientId: string): Side => (patientId === survivorId ? 'survivor' : 'merged');
	const [upcoming] = await db
		.select({ n: count() })
		.from(appointment)
		.where(
			and(
				eq(appointment.clinicId, ctx.clinicId),
				eq(appointment.patientId, mergedId),
				inArray(appointment.status, ['requested', 'confirmed']),
				gte(appointment.endsAt, now)
			)
		);
	return {
		settle: plan.settle.map(({ day, kept, dropped, appointment: outcome }) => ({
			day,
			kept: { token: tokenLabel(kept), record: side(kept.patientId) },
			cancelled: { token: tokenLabel(dropped), record: side(dropped.patientId) },
			appointment: outcome
		})),
		move: plan.move.map((t) => ({ day: t.day, token: tokenLabel(t) })),
		busy: plan.busy.map(([a, b]) => ({ day: a.day, tokens: [tokenLabel(a), tokenLabel(b)] })),
		upcomingAppointments: Number(upcoming?.n ?? 0)
	};
}
