import type { DocumentRef } from '../../../sync/protocol';
import type { Db } from '../../db';
import type { ProjectionContent } from '../projection';
import type { DisplayContent } from '../../../sync/contracts/queue';
import { tokenLabel } from '../../queue/queries';
import { sharedQueueDay } from './queueDay';

/** How many upcoming tokens the waiting room sees per doctor, in the shared line and overall. */
export const DISPLAY_NEXT_PER_DOCTOR = 3;
export const DISPLAY_NEXT = 8;

/**
 * `clinic/{id}/day/{date}/display`: what a waiting-room screen shows. Token numbers, the doctor
 * (by name, as on their door) and the room now serving each ("Token 014 → Room 2": the room the
 * token was called to, else the doctor's room today), the next few tokens of each doctor's own
 * line, and the next walk-ins of the shared line on their own ("next free doctor": never shown
 * as one doctor's next, since any doctor may call them); never a patient's name, reference, id
 * or anything else about them, since kiosks hold only a display key. `calls` grows with every
 * call and recall, so a screen knows when to chime.
 */
export async function projectClinicDisplay(db: Db, ref: DocumentRef): Promise<ProjectionContent> {
	if (ref.type !== 'display') throw new Error(`display projection asked for ${ref.type}`);
	const loaded = await sharedQueueDay(db, ref.clinicId, ref.day);
	if (!loaded) return { day: ref.day, clinic: null, doctors: [], shared: [], next: [] } satisfies DisplayContent;
	const { home, day } = loaded;
	const label = new Map(day.tokens.map((t) => [t.id, tokenLabel(t)]));
	const labels = (line: string | null, count: number) =>
		day.prediction
			.filter((p) => p.line === line)
			.slice(0, count)
			.map((p) => label.get(p.tokenId) ?? '');
	const doctors = day.doctors
		.filter((d) => d.withDoctor || day.prediction.some((p) => p.line === d.id) || day.tokens.some((t) => t.calledBy === d.id))
		.map((d, index) => ({
			slot: index + 1,
			doctor: d.name,
			room: d.withDoctor?.roomName ?? d.room?.name ?? null,
			nowServing: d.withDoctor ? tokenLabel(d.withDoctor) : null,
			calls: day.tokens.filter((t) => t.calledBy === d.id).reduce((sum, t) => sum + t.callCount, 0),
			next: labels(d.id, DISPLAY_NEXT_PER_DOCTOR)
		}));
	return {
		day: ref.day,
		clinic: { name: home.name, color: home.branding.color ?? null, tagline: home.branding.tagline ?? null },
		doctors,
		shared: labels(null, DISPLAY_NEXT),
		next: day.prediction.slice(0, DISPLAY_NEXT).map((p) => label.get(p.tokenId) ?? '')
	} satisfies DisplayContent;
}
