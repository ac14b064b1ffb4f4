import { describe, expect, it } from 'vitest';
import { allocate, allocateReturn, dispensable, fefoOrder } from './fefo';

const TODAY = '2026-12-06';

describe('first expiry, first out', () => {
	const batches = [
		{ id: 'late', expiry: '2027-12-31', onHand: 100 },
		{ id: 'early', expiry: '2027-03-31', onHand: 10 },
		{ id: 'middle', expiry: '2027-06-30', onHand: 20 }
	];

	it('takes from the batch that expires first and splits across batches', () => {
		expect(allocate(batches, 25, TODAY, 30)).toEqual({
			takes: [
				{ batchId: 'early', quantity: 10 },
				{ batchId: 'middle', quantity: 15 }
			],
			short: 0
		});
	});

	it('gives what there is and names the rest short', () => {
		expect(allocate(batches, 140, TODAY, 30)).toEqual({
			takes: [
				{ batchId: 'early', quantity: 10 },
				{ batchId: 'middle', quantity: 20 },
				{ batchId: 'late', quantity: 100 }
			],
			short: 10
		});
	});

	it('skips expired batches and those too close to expiry, by the clinic setting', () => {
		const withOld = [{ id: 'expired', expiry: '2026-12-05', onHand: 50 }, { id: 'soon', expiry: '2026-12-20', onHand: 50 }, ...batches];
		expect(allocate(withOld, 5, TODAY, 30).takes).toEqual([{ batchId: 'early', quantity: 5 }]);
		expect(allocate(withOld, 5, TODAY, 0).takes).toEqual([{ batchId: 'soon', quantity: 5 }]);
		expect(dispensable({ expiry: TODAY }, TODAY, 0)).toBe(true);
		expect(dispensable({ expiry: '2027-01-05' }, TODAY, 30)).toBe(true);
		expect(dispensable({ expiry: '2027-01-04' }, TODAY, 30)).toBe(false);
	});

	it('orders equal expiries by delivery, then id', () => {
		const same = [
			{ id: 'b', expiry: '2027-01-31', onHand: 1, receivedAt: '2026-11-02T00:00:00Z' },
			{ id: 'a', expiry: '2027-01-31', onHand: 1, receivedAt: '2026-11-03T00:00:00Z' },
			{ id: 'c', expiry: '2027-01-31', onHand: 1, receivedAt: '2026-11-02T00:00:00Z' }
		];
		expect(fefoOrder(same).map((b) => b.id)).toEqual(['b', 'c', 'a']);
	});

	it('takes nothing from empty batches and refuses a quantity that is not a count', () => {
		expect(allocate([{ id: 'x', expiry: '2027-01-31', onHand: 0 }], 3, TODAY, 0)).toEqual({ takes: [], short: 3 });
		expect(() => allocate(batches, -1, TODAY, 0)).toThrow(RangeError);
		expect(() => allocate(batches, 1.5, TODAY, 0)).toThrow(RangeError);
	});
});

describe('a return goes back where it came from', () => {
	it('fills the most recently taken batch first, never beyond what it gave', () => {
		const taken = [
			{ batchId: 'early', quantity: 10 },
			{ batchId: 'middle', quantity: 5 }
		];
		expect(allocateReturn(taken, 7)).toEqual({
			takes: [
				{ batchId: 'middle', quantity: 5 },
				{ batchId: 'early', quantity: 2 }
			],
			short: 0
		});
		expect(allocateReturn(taken, 20).short).toBe(5);
	});
});
