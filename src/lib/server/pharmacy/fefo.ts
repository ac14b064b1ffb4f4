import { addDays } from '../../time';

/**
 * First expiry, first out: which batches a dispensing takes from. Pure, no database: the command
 * hands it the batches it has locked and writes what it answers.
 */

export type BatchOnHand = { id: string; expiry: string; onHand: number; receivedAt?: Date | string };
export type Take = { batchId: string; quantity: number };

/**
 * A batch may be dispensed on `today` when it expires on or after `today + nearExpiryDays`: an
 * expired batch never, and one about to expire not either (the patient would not finish it).
 */
export function dispensable(batch: { expiry: string }, today: string, nearExpiryDays: number): boolean {
	return batch.expiry >= addDays(today, nearExpiryDays);
}

/** Earliest expiry first; among equal expiries the older delivery, then the id (a stable order). */
export function fefoOrder<B extends BatchOnHand>(batches: B[]): B[] {
	const received = (b: BatchOnHand) => (b.receivedAt === undefined ? '' : new Date(b.receivedAt).toISOString());
	return [...batches].sort((a, b) => a.expiry.localeCompare(b.expiry) || received(a).localeCompare(received(b)) || a.id.localeCompare(b.id));
}

/**
 * Takes up to `quantity` units from the dispensable batches in FEFO order, splitting across
 * batches; `short` is what stock could not give.
 */
export function allocate(batches: BatchOnHand[], quantity: number, today: string, nearExpiryDays: number): { takes: Take[]; short: number } {
	if (!Number.isInteger(quantity) || quantity < 0) throw new RangeError(`not a quantity: ${quantity}`);
	const takes: Take[] = [];
	let left = quantity;
	for (const batch of fefoOrder(batches.filter((b) => b.onHand > 0 && dispensable(b, today, nearExpiryDays)))) {
		if (left === 0) break;
		const take = Math.min(left, batch.onHand);
		takes.push({ batchId: batch.id, quantity: take });
		left -= take;
	}
	return { takes, short: left };
}

/**
 * Where a patient's returned units go: back into the batches the line was dispensed from, the
 * most recently taken first, never more into a batch than the line took from it.
 */
export function allocateReturn(taken: { batchId: string; quantity: number }[], quantity: number): { takes: Take[]; short: number } {
	const takes: Take[] = [];
	let left = quantity;
	for (const t of [...taken].reverse()) {
		if (left === 0) break;
		const back = Math.min(left, t.quantity);
		if (back > 0) takes.push({ batchId: t.batchId, quantity: back });
		left -= back;
	}
	return { takes, short: left };
}
