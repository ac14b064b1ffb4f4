import type { DocumentRef } from '../../../sync/protocol';
import type { Db } from '../../db';
import type { ProjectionContent } from '../projection';
import type { DisplayContent } from '../../../sync/contracts/queue';
import { tokenLabel } from '../../queue/queries';
import { sharedQueueDay } from './queueDay';

/** How many upcoming tokens the waiting room sees per doctor and overall. */
export const DISPLAY_NEXT_PER_DOCTOR = 3;
export const DISPLAY_NEXT = 8;

/**
 * `clinic/{id}/day/{date}/display`: what a waiting-room screen shows. Token numbers, the doctor
 * (by name, as on their door) and the room now serving each ("Token 014 → Room 2": the room the
 * token was called to, else the doctor's room today), and the next few tokens; never a patient's name,
 * reference, id or anything else about them, since kiosks hold only a display key. `calls`
 * grows with every call and recall, so a screen knows when to chime.
 */
export async function projectClinicDisplay(db: Db, ref: DocumentRef): Promise<ProjectionContent> {
	if (ref.type !== 'display') throw new Error(`display projection asked for ${ref.type}`);
	const loaded = await sharedQueueDay(db, ref.clinicId, ref.day);
	if (!loaded) return { day: ref.day, clinic: null, doctors: [], next: [] } satisfies DisplayContent;
	const { home, day } = loaded;
	const label = new Map(day.tokens.map((t) => [t.id, tokenLabel(t)]));
	const doctors = day.doctors
		.filter((d) => d.withDoctor || day.plan.some((p) => p.doctorId === d.id) || day.tokens.some((t) => t.calledBy === d.id))
		.map((d, index) => ({
			slot: index + 1,
			doctor: d.name,
			room: d.withDoctor?.roomName ?? d.room?.name ?? null,
			nowServing: d.withDoctor ? tokenLabel(d.withDoctor) : null,
			calls: day.tokens.filter((t) => t.calledBy === d.id).reduce((sum, t) => sum + t.callCount, 0),
			next: day.plan
				.filter((p) => p.doctorId === d.id)
				.slice(0, DISPLAY_NEXT_PER_DOCTOR)
				.map((p) => label.get(p.tokenId) ?? '')
		}));
	return {
		day: ref.day,
		clinic: { name: home.name, color: home.branding.color ?? null, tagline: home.branding.tagline ?? null },
		doctors,
		next: day.plan.slice(0, DISPLAY_NEXT).map((p) => label.get(p.tokenId) ?? '')
	} satisfies DisplayContent;
}
