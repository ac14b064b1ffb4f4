/** How many of today's most recent consultations the estimate averages. */
export const RECENT_CONSULTATIONS = 5;
export const DEFAULT_SLOT_MINUTES = 15;
const MIN_MS = 2 * 60_000;
const MAX_MS = 90 * 60_000;

/**
 * A doctor's expected consultation length: the mean of their last few consultations today
 * (called to completed), or their slot length before they have finished any. Kept within
 * 2–90 minutes, so one forgotten "complete" does not make every estimate absurd.
 */
export function consultationMs(completedTodayMs: readonly number[], slotMinutes: number | null): number {
	const recent = completedTodayMs.slice(-RECENT_CONSULTATIONS).filter((d) => Number.isFinite(d) && d > 0);
	const ms = recent.length > 0 ? recent.reduce((a, b) => a + b, 0) / recent.length : (slotMinutes ?? DEFAULT_SLOT_MINUTES) * 60_000;
	return Math.round(Math.min(MAX_MS, Math.max(MIN_MS, ms)));
}

/** When a doctor is next free: now if idle, else when the patient with them is expected to leave. */
export function freeAt(now: Date, withDoctorSince: Date | null, consultation: number): Date {
	if (!withDoctorSince) return now;
	return new Date(Math.max(now.getTime(), withDoctorSince.getTime() + consultation));
}

/** Whole minutes of expected wait, rounded up (a patient would rather wait less than promised). */
export function waitMinutes(now: Date, callAt: Date): number {
	return Math.max(0, Math.ceil((callAt.getTime() - now.getTime()) / 60_000));
}

/** How the patient arrived against their appointment's start. */
export function arrivalTiming(start: Date, arrivedAt: Date, graceMinutes: number): { arrival: 'on_time' | 'early' | 'late'; minutes: number } {
	const minutes = Math.round((arrivedAt.getTime() - start.getTime()) / 60_000);
	if (minutes > graceMinutes) return { arrival: 'late', minutes };
	if (minutes < -graceMinutes) return { arrival: 'early', minutes };
	return { arrival: 'on_time', minutes };
}
