import { addDays, clinicDay, instantOf, wallClock } from '../../time';

export type Occurrence = { date: string; start: Date };

/**
 * The dates of a recurring booking: the first appointment's clinic wall-clock time, every
 * `everyDays` days, `count` times in all (the first included). Each keeps the time of day on
 * the clinic's clock, so a weekly 10:00 stays 10:00 across a change of the clocks; a time the
 * clocks skip that day moves forward (and is then outside the doctor's schedule).
 */
export function seriesOccurrences(first: Date, timeZone: string, everyDays: number, count: number): Occurrence[] {
	const day = clinicDay(first, timeZone);
	const time = wallClock(first.toISOString(), timeZone).slice(10);
	return Array.from({ length: count }, (_, k) => {
		const date = addDays(day, k * everyDays);
		return { date, start: k === 0 ? first : new Date(instantOf(`${date}${time}`, timeZone)) };
	});
}
