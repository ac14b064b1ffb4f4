import { CLOSED_STATUSES, type CalendarAppointment } from './calendarData';

export type ScheduleChange = { kind: 'added' | 'moved' | 'cancelled'; appointment: CalendarAppointment };

/**
 * Turns successive contents of a doctor's day documents into "added / moved / cancelled"
 * notices. The first content of each day is only a baseline. An appointment that leaves a day
 * may just be arriving in another one (a move across days reaches the two documents
 * separately), so a disappearance is announced only if it has not turned up elsewhere shortly after.
 */
export class ScheduleWatcher {
	private known = new Map<string, CalendarAppointment>();
	private dayIds = new Map<string, Set<string>>();

	constructor(
		private readonly notify: (change: ScheduleChange) => void,
		private readonly graceMs = 1500
	) {}

	update(day: string, appointments: CalendarAppointment[]) {
		const previous = this.dayIds.get(day);
		this.dayIds.set(day, new Set(appointments.map((a) => a.id)));
		for (const a of appointments) {
			const before = this.known.get(a.id);
			this.known.set(a.id, a);
			if (!previous) continue;
			if (!before) {
				if (!CLOSED_STATUSES.has(a.status)) this.notify({ kind: 'added', appointment: a });
			} else if (before.start !== a.start) {
				this.notify({ kind: 'moved', appointment: a });
			} else if (before.status !== a.status && (a.status === 'cancelled' || a.status === 'declined')) {
				this.notify({ kind: 'cancelled', appointment: a });
			}
		}
		if (!previous) return;
		const present = new Set(appointments.map((a) => a.id));
		for (const id of previous) {
			if (present.has(id)) continue;
			const gone = this.known.get(id);
			if (!gone) continue;
			setTimeout(() => {
				const now = this.known.get(id);
				const elsewhere = [...this.dayIds.values()].some((ids) => ids.has(id));
				if (now === gone && !elsewhere) {
					this.known.delete(id);
					this.notify({ kind: 'cancelled', appointment: gone });
				}
			}, this.graceMs);
		}
	}
}
