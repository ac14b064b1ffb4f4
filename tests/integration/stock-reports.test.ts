import { beforeAll, describe, expect, it } from 'vitest';
import { overwriteGetLocale } from '$lib/paraglide/runtime.js';
import { m } from '$lib/paraglide/messages.js';
import { testDatabase } from '../db';
import { ctxOf, key, makePatient } from './queueScene';
import { failure, ledgerHolds, pharmacyScene } from '../pharmacyScene';
import { adjustStock, receiveBatch, stockMovements } from '../../src/lib/server/pharmacy/stock';
import { dispensePrescription, returnPrescription } from '../../src/lib/server/pharmacy/dispense';
import { dispensingLog, medicineMovementReport, stockValue } from '../../src/lib/server/pharmacy/reports';
import { dispensingCsv, movementReportCsv, stockValueCsv } from '../../src/lib/server/pharmacy/reportsCsv';
import { translatedError } from '../../src/lib/server/edge';
import { isAppError } from '../../src/lib/server/errors';
import { makeMember } from '../factories';
import type { Database } from '../../src/lib/server/db';

let database: Database;
beforeAll(async () => {
	database = await testDatabase();
});

const lines = (body: string) =>
	body
		.replace(/^\uFEFF/, '')
		.trimEnd()
		.split('\r\n');

/**
 * A clinic in Asia/Karachi (UTC+5, no daylight saving) whose day 2026-03-10 runs from
 * 2026-03-09T19:00Z to 2026-03-10T19:00Z. Medicine X: 100 received on 1 March at 5.00 each (sale
 * 8.00); 10 dispensed a second before the day, 6 at its first instant, 2 brought back, 3 written
 * off, 5 dispensed at the first instant of the next day. Medicine Y: 20 at 10.00 (sale 15.00), 4
 * dispensed on the day. Medicine Z: received and all written off (nothing on hand).
 */
async function reportScene() {
	const db = database.db;
	const s = await pharmacyScene(db);
	const x = await s.addMedicine(`xalomycin ${key()}`, '250 mg');
	const y = await s.addMedicine(`yeloprofen ${key()}`, '400 mg');
	const z = await s.addMedicine(`zetacillin ${key()}`, '500 mg');
	const at = (iso: string) => new Date(iso);
	const receivedOn = at('2026-03-01T05:00:00Z');
	const receive = (medicineId: string, batchNumber: string, quantity: number, costPrice: number, salePrice: number) =>
		receiveBatch(db, s.pharmacist, medicineId, { batchNumber, expiry: '2027-12-31', quantity, costPrice, salePrice, idempotencyKey: key() }, receivedOn);
	const bx = await receive(x.id, 'X-1', 100, 500, 800);
	await receive(y.id, 'Y-1', 20, 1000, 1500);
	const bz = await receive(z.id, 'Z-1', 7, 300, 400);
	await adjustStock(db, s.pharmacist, { batchId: bz.id, quantity: -7, reason: 'damaged', idempotencyKey: key() }, receivedOn);

	const second = await makePatient(db, s.home.id, 'Amina Bibi');
	const late = await s.issue([{ medicineId: x.id, quantity: 10 }]);
	const onTheDay = await s.issue(
		[
			{ medicineId: x.id, quantity: 6 },
			{ medicineId: y.id, quantity: 4 }
		],
		second.id
	);
	const nextDay = await s.issue([{ medicineId: x.id, quantity: 5 }]);
	const dispense = (rx: { id: string; lines: string[] }, quantities: number[], when: string) =>
		dispensePrescription(
			db,
			s.pharmacist,
			rx.id,
			{ lines: quantities.map((quantity, i) => ({ lineId: rx.lines[i], quantity })), idempotencyKey: key() },
			at(when)
		);
	await dispense(late, [10], '2026-03-09T18:59:59Z');
	await dispense(onTheDay, [6, 4], '2026-03-09T19:00:00Z');
	await returnPrescription(
		db,
		s.secondPharmacist,
		onTheDay.id,
		{ lines: [{ lineId: onTheDay.lines[0], quantity: 2 }], reason: 'felt better', idempotencyKey: key() },
		at('2026-03-10T10:00:00Z')
	);
	await adjustStock(db, s.pharmacist, { batchId: bx.id, quantity: -3, reason: 'damaged', note: 'dropped', idempotencyKey: key() }, at('2026-03-10T12:00:00Z'));
	await dispense(nextDay, [5], '2026-03-10T19:00:00Z');
	return { ...s, x, y, z, second, onTheDay, late };
}

describe('daily dispensing log', () => {
	it('lists every dispensed and returned batch of the clinic day, bounded in its time zone, with totals per medicine', async () => {
		const db = database.db;
		const s = await reportScene();
		const log = await dispensingLog(db, s.pharmacist, { date: '2026-03-10' });
		expect(log.date).toBe('2026-03-10');
		const rows = log.entries.map((e) => [
			e.at,
			e.kind,
			e.medicine.id,
			e.batchNumber,
			e.quantity,
			e.patient?.name,
			e.patient?.ref,
			e.visitRef !== null,
			e.pharmacist
		]);
		const pharmacistName = log.entries.find((e) => e.kind === 'dispensed')?.pharmacist;
		expect(rows.sort((a, b) => String(a[0]).localeCompare(String(b[0])) || String(a[3]).localeCompare(String(b[3])))).toEqual([
			['2026-03-09T19:00:00.000Z', 'dispensed', s.x.id, 'X-1', 6, 'Amina Bibi', `${s.home.code}-P${s.second.refNo}`, true, pharmacistName],
			['2026-03-09T19:00:00.000Z', 'dispensed', s.y.id, 'Y-1', 4, 'Amina Bibi', `${s.home.code}-P${s.second.refNo}`, true, pharmacistName],
			['2026-03-10T10:00:00.000Z', 'patient_return', s.x.id, 'X-1', -2, 'Amina Bibi', `${s.home.code}-P${s.second.refNo}`, true, expect.any(String)]
		]);
		expect(log.entries.every((e) => e.prescriptionId === s.onTheDay.id)).toBe(true);
		expect(log.entries.find((e) => e.kind === 'patient_return')?.pharmacist).not.toBe(pharmacistName);
		expect(log.totals.map((t) => [t.medicine.id, t.dispensed, t.returned, t.net])).toEqual([
			[s.x.id, 6, 2, 4],
			[s.y.id, 4, 0, 4]
		]);

		// The second before midnight belongs to the day before; midnight itself to the day after.
		const before = await dispensingLog(db, s.pharmacist, { date: '2026-03-09' });
		expect(before.entries.map((e) => [e.at, e.quantity, e.prescriptionId])).toEqual([['2026-03-09T18:59:59.000Z', 10, s.late.id]]);
		const after = await dispensingLog(db, s.pharmacist, { date: '2026-03-11' });
		expect(after.entries.map((e) => [e.at, e.quantity])).toEqual([['2026-03-10T19:00:00.000Z', 5]]);
		expect((await dispensingLog(db, s.pharmacist, { date: '2026-03-12' })).entries).toEqual([]);
		// Left out, the day is the clinic's today.
		expect((await dispensingLog(db, s.pharmacist, {}, new Date('2026-03-10T18:30:00Z'))).date).toBe('2026-03-10');
		expect((await dispensingLog(db, s.pharmacist, {}, new Date('2026-03-10T19:30:00Z'))).date).toBe('2026-03-11');
	});

	it('writes the day as CSV on the clinic’s wall clock', async () => {
		const db = database.db;
		const s = await reportScene();
		const file = await dispensingCsv(db, s.pharmacist, { date: '2026-03-10' });
		expect(file.filename).toBe(`dispensing-${s.home.code}-2026-03-10.csv`);
		expect(file.body.startsWith('\uFEFF')).toBe(true);
		const [header, ...rows] = lines(file.body);
		expect(header).toBe('time,patient,patient_ref,visit,prescription_id,medicine,form,strength,batch,kind,quantity,pharmacist');
		expect(rows).toHaveLength(3);
		const ret = rows.find((r) => r.includes('patient_return'))?.split(',');
		expect(ret?.slice(0, 3)).toEqual(['2026-03-10T15:00:00', 'Amina Bibi', `${s.home.code}-P${s.second.refNo}`]);
		expect(ret?.slice(4, 11)).toEqual([s.onTheDay.id, s.x.genericName, 'tablet', '250 mg', 'X-1', 'patient_return', '-2']);
		expect(rows.filter((r) => r.startsWith('2026-03-10T00:00:00,Amina Bibi,')).length).toBe(2);
		expect(lines((await dispensingCsv(db, s.pharmacist, { date: '2026-03-12' })).body)).toEqual([header]);
	});
});

describe('movements of a medicine', () => {
	it('gives opening and closing balances for the range and the running balance after each movement', async () => {
		const db = database.db;
		const s = await reportScene();
		const day = await medicineMovementReport(db, s.pharmacist, { medicineId: s.x.id, from: '2026-03-10', to: '2026-03-10' });
		expect([day.opening, day.closing]).toEqual([90, 83]);
		expect(day.movements.map((mv) => [mv.kind, mv.quantity, mv.balance])).toEqual([
			['dispensed', -6, 84],
			['patient_return', 2, 86],
			['written_off', -3, 83]
		]);
		expect(day.movements[2].reason).toBe('damaged: dropped');
		const two = await medicineMovementReport(db, s.pharmacist, { medicineId: s.x.id, from: '2026-03-09', to: '2026-03-10' });
		expect([two.opening, two.closing, two.movements.map((mv) => mv.balance)]).toEqual([100, 83, [90, 84, 86, 83]]);
		const next = await medicineMovementReport(db, s.pharmacist, { medicineId: s.x.id, from: '2026-03-11', to: '2026-03-31' });
		expect([next.opening, next.closing, next.movements.map((mv) => [mv.quantity, mv.balance])]).toEqual([83, 78, [[-5, 78]]]);
		const all = await medicineMovementReport(db, s.pharmacist, { medicineId: s.x.id, from: '2026-03-01', to: '2026-03-31' });
		expect([all.opening, all.closing, all.movements[0].kind, all.movements.length]).toEqual([0, 78, 'received', 6]);
		// The closing balance is what the ledger holds: the batch's on hand.
		expect((await stockValue(db, s.pharmacist)).medicines.find((r) => r.medicine.id === s.x.id)?.onHand).toBe(78);
		expect(await ledgerHolds(db, s.home.id)).toEqual([]);
	});

	it('filters by kind without changing a balance, and defaults to the last 30 days to today', async () => {
		const db = database.db;
		const s = await reportScene();
		const dispensed = await medicineMovementReport(db, s.pharmacist, { medicineId: s.x.id, from: '2026-03-10', to: '2026-03-10', kind: 'dispensed' });
		expect([dispensed.opening, dispensed.closing, dispensed.kind]).toEqual([90, 83, 'dispensed']);
		expect(dispensed.movements.map((mv) => [mv.quantity, mv.balance])).toEqual([[-6, 84]]);
		const none = await medicineMovementReport(db, s.pharmacist, { medicineId: s.x.id, from: '2026-03-10', to: '2026-03-10', kind: 'transfer_in' });
		expect([none.opening, none.closing, none.movements]).toEqual([90, 83, []]);
		const byDefault = await medicineMovementReport(db, s.pharmacist, { medicineId: s.x.id }, new Date('2026-03-10T20:00:00Z'));
		expect([byDefault.from, byDefault.to, byDefault.opening, byDefault.closing]).toEqual(['2026-02-10', '2026-03-11', 0, 78]);
		// The existing list takes the same filter.
		const listed = await stockMovements(db, s.pharmacist, { medicineId: s.x.id, kind: 'patient_return' });
		expect(listed.movements.map((mv) => mv.quantity)).toEqual([2]);
	});

	it('writes the report as CSV between an opening and a closing row', async () => {
		const db = database.db;
		const s = await reportScene();
		const file = await movementReportCsv(db, s.pharmacist, { medicineId: s.x.id, from: '2026-03-10', to: '2026-03-10' });
		expect(file.filename).toMatch(new RegExp(`^movements-.*-${s.home.code}-2026-03-10-2026-03-10\\.csv$`));
		const rows = lines(file.body);
		expect(rows[0]).toBe('time,batch,kind,quantity,balance,reason,by');
		expect(rows[1]).toBe('2026-03-10T00:00:00,,opening,,90,,');
		expect(rows.slice(2, 5).map((r) => r.split(',').slice(0, 6))).toEqual([
			['2026-03-10T00:00:00', 'X-1', 'dispensed', '-6', '84', ''],
			['2026-03-10T15:00:00', 'X-1', 'patient_return', '2', '86', 'felt better'],
			['2026-03-10T17:00:00', 'X-1', 'written_off', '-3', '83', 'damaged: dropped']
		]);
		expect(rows[5]).toBe('2026-03-10T23:59:59,,closing,,83,,');
		expect(rows).toHaveLength(6);
	});
});

describe('stock value', () => {
	it('values what is on hand per medicine at cost and at sale price, with grand totals', async () => {
		const db = database.db;
		const s = await reportScene();
		const value = await stockValue(db, s.pharmacist);
		expect(value.currency).toBe('PKR');
		expect(value.medicines.map((r) => [r.medicine.id, r.onHand, r.valueAtCost, r.valueAtSale])).toEqual([
			[s.x.id, 78, 39_000, 62_400],
			[s.y.id, 16, 16_000, 24_000]
		]);
		expect(value.totals).toEqual({ onHand: 94, valueAtCost: 55_000, valueAtSale: 86_400 });
		const file = await stockValueCsv(db, s.pharmacist);
		expect(file.filename).toMatch(new RegExp(`^stock-value-${s.home.code}-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
		expect(lines(file.body)).toEqual([
			'medicine,form,strength,on_hand,value_at_cost_PKR,value_at_sale_PKR',
			`${s.x.genericName},tablet,250 mg,78,390.00,624.00`,
			`${s.y.genericName},tablet,400 mg,16,160.00,240.00`,
			'TOTAL,,,94,550.00,864.00'
		]);
	});

	it('is empty, with zero totals, for a pharmacy with nothing on hand', async () => {
		const db = database.db;
		const s = await pharmacyScene(db);
		const value = await stockValue(db, s.pharmacist);
		expect([value.medicines, value.totals]).toEqual([[], { onHand: 0, valueAtCost: 0, valueAtSale: 0 }]);
		expect(lines((await stockValueCsv(db, s.pharmacist)).body)).toEqual([
			'medicine,form,strength,on_hand,value_at_cost_PKR,value_at_sale_PKR',
			'TOTAL,,,0,0.00,0.00'
		]);
	});
});

describe('who may read the reports', () => {
	it('refuses reception and doctors every report and export; admins read them', async () => {
		const db = database.db;
		const s = await reportScene();
		for (const ctx of [s.reception, s.doctor]) {
			expect(await failure(dispensingLog(db, ctx, { date: '2026-03-10' }))).toMatchObject({ status: 403 });
			expect(await failure(dispensingCsv(db, ctx, { date: '2026-03-10' }))).toMatchObject({ status: 403 });
			expect(await failure(medicineMovementReport(db, ctx, { medicineId: s.x.id }))).toMatchObject({ status: 403 });
			expect(await failure(movementReportCsv(db, ctx, { medicineId: s.x.id }))).toMatchObject({ status: 403 });
			expect(await failure(stockValue(db, ctx))).toMatchObject({ status: 403 });
			expect(await failure(stockValueCsv(db, ctx))).toMatchObject({ status: 403 });
		}
		const admin = ctxOf(s.home.id, (await makeMember(db, s.home.id, 'admin')).id, 'admin');
		expect((await dispensingLog(db, admin, { date: '2026-03-10' })).entries).toHaveLength(3);
		expect((await stockValue(db, admin)).totals.onHand).toBe(94);
	});

	it('shows another clinic’s pharmacist nothing of this clinic', async () => {
		const db = database.db;
		const s = await reportScene();
		const other = await pharmacyScene(db);
		expect((await dispensingLog(db, other.pharmacist, { date: '2026-03-10' })).entries).toEqual([]);
		expect(await failure(medicineMovementReport(db, other.pharmacist, { medicineId: s.x.id }))).toMatchObject({ status: 404 });
		expect(await failure(movementReportCsv(db, other.pharmacist, { medicineId: s.x.id }))).toMatchObject({ status: 404 });
		expect((await stockValue(db, other.pharmacist)).medicines).toEqual([]);
	});
});

describe('bad parameters', () => {
	const refusal = async (p: Promise<unknown>) => {
		const e = await failure(p);
		if (!isAppError(e)) throw new Error(`expected a refusal, got ${String(e)}`);
		return e;
	};

	it('refuses a day that is not a real YYYY-MM-DD date with a field error', async () => {
		const db = database.db;
		const s = await pharmacyScene(db);
		expect((await refusal(dispensingLog(db, s.pharmacist, { date: '' }))).fields[0]).toMatchObject({ field: 'date', code: 'field_required' });
		for (const date of ['2026-02-30', '10-03-2026', 'today', '2026-3-1', '1800-01-01']) {
			const e = await refusal(dispensingLog(db, s.pharmacist, { date }));
			expect([e.status, e.fields[0]?.field, e.fields[0]?.code]).toEqual([400, 'date', 'date_invalid']);
			expect((await refusal(dispensingCsv(db, s.pharmacist, { date }))).status).toBe(400);
		}
	});

	it('refuses a bad medicine, kind or range, naming the field, in the reader’s language', async () => {
		const db = database.db;
		const s = await reportScene();
		const cases: [Record<string, string>, string, string][] = [
			[{}, 'medicineId', 'field_required'],
			[{ medicineId: 'x' }, 'medicineId', 'id_invalid'],
			[{ medicineId: s.x.id, from: '2026-13-01' }, 'from', 'date_invalid'],
			[{ medicineId: s.x.id, to: 'soon' }, 'to', 'date_invalid'],
			[{ medicineId: s.x.id, kind: 'stolen' }, 'kind', 'choice_invalid'],
			[{ medicineId: s.x.id, from: '2026-03-11', to: '2026-03-10' }, 'to', 'date_order']
		];
		for (const [query, field, code] of cases) {
			const e = await refusal(medicineMovementReport(db, s.pharmacist, query));
			expect([e.status, e.fields[0]?.field, e.fields[0]?.code], JSON.stringify(query)).toEqual([400, field, code]);
			expect((await refusal(movementReportCsv(db, s.pharmacist, query))).status).toBe(400);
		}
		expect(await failure(stockMovements(db, s.pharmacist, { kind: 'stolen' }))).toMatchObject({ status: 400, field: 'kind' });
		const backwards = await refusal(medicineMovementReport(db, s.pharmacist, { medicineId: s.x.id, from: '2026-03-11', to: '2026-03-10' }));
		const badDay = await refusal(dispensingLog(db, s.pharmacist, { date: '2026-02-30' }));
		try {
			overwriteGetLocale(() => 'ur');
			expect(translatedError(backwards).fields[0]).toEqual({ field: 'to', code: 'date_order', message: m.ph_error_date_order({}, { locale: 'ur' }) });
			expect(translatedError(badDay).fields[0].message).toBe(m.error_date_invalid({ from: '1900', to: '2200' }, { locale: 'ur' }));
			expect(translatedError(badDay).fields[0].message).not.toBe(m.error_date_invalid({ from: '1900', to: '2200' }, { locale: 'en' }));
		} finally {
			overwriteGetLocale(() => 'en');
		}
	});
});
