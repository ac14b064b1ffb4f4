import { computeQuantity, instructionsEn, instructionsUr, parseFrequency } from '$lib/prescribing/dosage';
import type { FormError } from '$lib/server/edge/types';

export type CatalogueMedicine = {
	id: string;
	genericName: string;
	brandNames: string[];
	form: string;
	strength: string;
	route: string;
	dosageTemplates: { dose: string; frequency: string; durationDays: number; instructions: string }[];
};

export type WarningItem = { id: string; kind: 'allergy' | 'duplicate' | 'interaction'; message: string; override: { reason: string } | null };

type SavedLine = {
	medicineId: string;
	genericName: string;
	form: string;
	strength: string;
	dose: string;
	frequency: string;
	durationDays: number;
	route: string;
	instructions: string;
	instructionsUr: string;
	quantity: number;
	/** Units the pharmacy may dispense today; 0 is out of stock (absent from older servers). */
	inStock?: number;
};

export type LineMedicine = Pick<CatalogueMedicine, 'id' | 'genericName' | 'form' | 'strength' | 'route' | 'dosageTemplates'>;

/** One line being written: what the doctor typed, with the quantity and instructions worked out as they type. */
export class DraftLine {
	dose = $state('');
	frequency = $state('');
	durationDays = $state('5');
	/** Empty while the computed quantity is used. */
	quantity = $state('');
	instructions = $state('');
	instructionsUr = $state('');
	readonly key = crypto.randomUUID();
	/** What the pharmacy has of it, as the last save reported (null until the line is saved). */
	inStock: number | null = null;

	constructor(readonly medicine: LineMedicine) {}

	days = $derived(/^\d{1,3}$/.test(this.durationDays.trim()) ? Number(this.durationDays.trim()) : null);
	/** Worked out as the doctor types (a getter: it reads the line's state, so the screen follows it). */
	get computedQuantity(): number | null {
		return this.days === null ? null : computeQuantity(this.dose, this.frequency, this.days, this.medicine);
	}
	asNeeded = $derived(parseFrequency(this.frequency)?.perDay === null);
	generatedEn = $derived(
		this.days === null || !this.dose.trim() || !parseFrequency(this.frequency) ? '' : instructionsEn(this.dose, this.frequency, this.days)
	);
	generatedUr = $derived(
		this.days === null || !this.dose.trim() || !parseFrequency(this.frequency) ? '' : instructionsUr(this.dose, this.frequency, this.days)
	);

	useTemplate(t: CatalogueMedicine['dosageTemplates'][number]) {
		this.dose = t.dose;
		this.frequency = t.frequency;
		this.durationDays = String(t.durationDays);
		this.quantity = '';
	}

	/** The line as the API takes it; the typed quantity only when it differs from the computed one. */
	toInput() {
		const typed = this.quantity.trim() === '' ? undefined : Number(this.quantity.trim().replace('½', '.5'));
		const instructions = this.instructions.trim();
		const ur = this.instructionsUr.trim();
		return {
			medicineId: this.medicine.id,
			dose: this.dose,
			frequency: this.frequency,
			durationDays: this.days ?? Number.NaN,
			...(typed !== undefined ? { quantity: typed } : {}),
			...(instructions && instructions !== this.generatedEn ? { instructions } : {}),
			...(ur && ur !== this.generatedUr ? { instructionsUr: ur } : {})
		};
	}

	static fromSaved(line: SavedLine): DraftLine {
		const draft = new DraftLine({
			id: line.medicineId,
			genericName: line.genericName,
			form: line.form,
			strength: line.strength,
			route: line.route,
			dosageTemplates: []
		});
		draft.inStock = line.inStock ?? null;
		draft.dose = line.dose;
		draft.frequency = line.frequency;
		draft.durationDays = String(line.durationDays);
		if (draft.computedQuantity !== line.quantity) draft.quantity = String(line.quantity);
		if (line.instructions !== draft.generatedEn) draft.instructions = line.instructions;
		if (line.instructionsUr !== draft.generatedUr) draft.instructionsUr = line.instructionsUr;
		return draft;
	}
}

/** The prescription being written on the screen, and what the server last said about it. */
export class PrescriptionDraft {
	lines = $state<DraftLine[]>([]);
	warnings = $state<WarningItem[]>([]);
	/** The reason typed for each warning id. */
	reasons = $state<Record<string, string>>({});
	error = $state<FormError | null>(null);
	saving = $state(false);
	savedAt = $state<number | null>(null);
	/** The doctor asks the pharmacy to serve it first. */
	urgent = $state(false);

	constructor(saved: { lines: SavedLine[]; warnings: WarningItem[]; urgent?: boolean }) {
		this.urgent = saved.urgent ?? false;
		this.lines = saved.lines.map((l) => DraftLine.fromSaved(l));
		this.warnings = saved.warnings;
		this.reasons = Object.fromEntries(saved.warnings.filter((w) => w.override).map((w) => [w.id, w.override?.reason ?? '']));
	}

	add(medicine: CatalogueMedicine) {
		const line = new DraftLine(medicine);
		const [template] = medicine.dosageTemplates;
		if (template) line.useTemplate(template);
		this.lines.push(line);
		this.savedAt = null;
	}

	remove(key: string) {
		this.lines = this.lines.filter((l) => l.key !== key);
		this.savedAt = null;
	}

	async save(url: string) {
		this.saving = true;
		try {
			const overrides = this.warnings
				.filter((w) => (this.reasons[w.id] ?? '').trim() !== '')
				.map((w) => ({ warning: w.id, reason: this.reasons[w.id].trim() }));
			const response = await fetch(url, {
				method: 'PUT',
				headers: { 'content-type': 'application/json', accept: 'application/json' },
				body: JSON.stringify({ lines: this.lines.map((l) => l.toInput()), overrides, urgent: this.urgent, idempotencyKey: crypto.randomUUID() })
			});
			const body: unknown = await response.json().catch(() => null);
			if (response.ok && isSaved(body)) {
				this.error = null;
				this.warnings = body.warnings;
				this.lines = body.lines.map((l) => DraftLine.fromSaved(l));
				this.savedAt = Date.now();
				return;
			}
			const error = errorOf(body);
			this.error = error;
			if (error?.warnings) this.warnings = error.warnings.map((w) => ({ ...w, override: null }));
		} catch {
			this.error = { code: 'internal', message: '' };
		} finally {
			this.saving = false;
		}
	}
}

function isSaved(body: unknown): body is { lines: SavedLine[]; warnings: WarningItem[] } {
	return typeof body === 'object' && body !== null && Array.isArray(Reflect.get(body, 'lines')) && Array.isArray(Reflect.get(body, 'warnings'));
}

function errorOf(body: unknown): (FormError & { warnings?: { id: string; kind: WarningItem['kind']; message: string }[] }) | null {
	if (typeof body !== 'object' || body === null) return null;
	const error: unknown = Reflect.get(body, 'error');
	if (typeof error !== 'object' || error === null || typeof Reflect.get(error, 'code') !== 'string') return null;
	return error as FormError & { warnings?: { id: string; kind: WarningItem['kind']; message: string }[] };
}
