import type { PickedPatient } from './types';

const isPatient = (v: unknown): v is PickedPatient =>
	typeof v === 'object' && v !== null && typeof Reflect.get(v, 'id') === 'string' && typeof Reflect.get(v, 'name') === 'string';

export type PatientSearch = {
	/** After a pause in typing (200 ms). */
	typed(text: string): void;
	/** At once (the search form was sent). */
	now(text: string): void;
};

/**
 * Search as you type against an endpoint that answers `?q=` with `{patients: PickedPatient[]}`
 * (the clinic's `/calendar/patients`). Fewer than two characters answer an empty list without
 * asking; an answer that arrives after a newer question is dropped; a failed request leaves the
 * last answer standing (offline for a moment), and the next keystroke asks again.
 */
export function patientSearch(
	url: string,
	answer: (patients: PickedPatient[], text: string) => void,
	busy: (searching: boolean) => void = () => {}
): PatientSearch {
	let timer: ReturnType<typeof setTimeout> | undefined;
	let latest = 0;
	async function ask(text: string) {
		const asked = ++latest;
		if (text.length < 2) return answer([], text);
		busy(true);
		try {
			const response = await fetch(`${url}?q=${encodeURIComponent(text)}`);
			const body: unknown = response.ok ? await response.json() : null;
			const list: unknown = body && typeof body === 'object' ? Reflect.get(body, 'patients') : null;
			if (asked === latest) answer(Array.isArray(list) ? list.filter(isPatient) : [], text);
		} catch {
			// Kept as it was; the next question asks again.
		} finally {
			if (asked === latest) busy(false);
		}
	}
	return {
		typed(text) {
			clearTimeout(timer);
			const value = text.trim();
			if (value.length < 2) return void ask(value);
			timer = setTimeout(() => void ask(value), 200);
		},
		now(text) {
			clearTimeout(timer);
			void ask(text.trim());
		}
	};
}
