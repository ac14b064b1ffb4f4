import { m } from '$lib/paraglide/messages.js';
import type { Warning } from './warnings';

const severityWord = { mild: () => m.rx_severity_mild(), moderate: () => m.rx_severity_moderate(), severe: () => m.rx_severity_severe() };
const interactionSeverity = {
	contraindicated: () => m.rx_interaction_contraindicated(),
	major: () => m.rx_interaction_major(),
	moderate: () => m.rx_interaction_moderate()
};

/** A warning as the prescriber reads it, in the request's language (the id stays the same in every language). */
export function warningMessage(w: Warning): string {
	switch (w.kind) {
		case 'allergy':
			return m.rx_warning_allergy({
				medicine: w.medicine.genericName,
				allergies: w.allergies.map((a) => `${a.substance} (${severityWord[a.severity]()})`).join(', ')
			});
		case 'duplicate':
			return m.rx_warning_duplicate({ medicine: w.medicine.genericName, other: w.other.genericName });
		case 'interaction': {
			const [first] = w.interactions;
			return m.rx_warning_interaction({
				a: w.medicines[0].genericName,
				b: w.medicines[1].genericName,
				severity: interactionSeverity[first.severity](),
				description: first.description
			});
		}
	}
}
