import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { testDatabase } from '../db';
import { key } from './queueScene';
import { failure, pharmacyScene } from '../pharmacyScene';
import { adjustStock } from '../../src/lib/server/pharmacy/stock';
import { setReorderLevels, stockAlerts, stockOverview, expiryBand } from '../../src/lib/server/pharmacy/inventory';
import { csvCell, expiringCsv, movementsCsv, stockCsv } from '../../src/lib/server/pharmacy/inventoryCsv';
import { queueStockDigests } from '../../src/lib/server/pharmacy/digest';
import { deliverEvent } from '../../src/lib/server/notifications/deliver';
import type { EmailMessage, Mailer } from '../../src/lib/server/notifications/email';
import { medicine, outboxEvent } from '../../src/lib/server/db/schema';
import { makeClinic, makeMember } from '../factories';
import { ctxOf } from './queueScene';
import type { Database } from '../../src/lib/server/db';
import { addDays, clinicToday, instantOf } from '../../src/lib/time';
import pino from 'pino';

let database: Database;
beforeAll(async () => {
	database = await testDatabase();
});

const inDays = (days: number) => addDays(clinicToday('Asia/Karachi'), days);
const lines = (body: string) =>
	body
		.replace(/^\uFEFF/, '')
		.trimEnd()
		.split('\r\n');

describe('reorder levels', () => {
	it('sets level and quantity, and the medicine turns low when what may be dispensed falls to the level', async () => {
		const db = database.db;
		const s = await pharmacyScene(db);
		const med = await s.addMedicine();
		await s.stock(med.id, 'B1', inDays(200), 10);
		const set = await setReorderLevels(db, s.pharmacist, med.id, { reorderLevel: 10, reorderQuantity: 100, idempotencyKey: key() });
		expect(set).toEqual({ medicineId: med.id, reorderLevel: 10, reorderQuantity: 100 });
		const view = (await stockOverview(db, s.pharmacist)).medicines.find((m) => m.id === med.id);
		expect(view).toMatchObject({ onHand: 10, dispensable: 10, reorderLevel: 10, reorderQuantity: 100, low: true });
		await setReorderLevels(db, s.pharmacist, med.id, { reorderLevel: 9, reorderQuantity: 100 });
		expect((await stockOverview(db, s.pharmacist)).medicines.find((m) => m.id === med.id)?.low).toBe(false);
		expect((await stockAlerts(db, s.home.id)).lowStock).toBe(0);
	});

	it('refuses a doctor or the desk, a medicine of another clinic, and bad numbers, changing nothing', async () => {
		const db = database.db;
		const s = await pharmacyScene(db);
		const med = await s.addMedicine();
		expect(await failure(setReorderLevels(db, s.reception, med.id, { reorderLevel: 5, reorderQuantity: 10 }))).toMatchObject({ status: 403 });
		expect(await failure(setReorderLevels(db, s.doctor, med.id, { reorderLevel: 5, reorderQuantity: 10 }))).toMatchObject({ status: 403 });
		const other = await pharmacyScene(db);
		expect(await failure(setReorderLevels(db, other.pharmacist, med.id, { reorderLevel: 5, reorderQuantity: 10 }))).toMatchObject({ status: 404 });
		expect(await failure(setReorderLevels(db, s.pharmacist, 'not-a-uuid', { reorderLevel: 5, reorderQuantity: 10 }))).toMatchObject({ status: 404 });
		for (const bad of [
			{ reorderLevel: -1, reorderQuantity: 10 },
			{ reorderLevel: 1.5, reorderQuantity: 10 },
			{ reorderLevel: '5', reorderQuantity: 10 },
			{ reorderLevel: 5 },
			{ reorderLevel: 5, reorderQuantity: 10, extra: true },
			{ reorderLevel: 5, reorderQuantity: 2_000_000 }
		]) {
			expect(await failure(setReorderLevels(db, s.pharmacist, med.id, bad))).toMatchObject({ status: 400 });
		}
		const [row] = await db.select().from(medicine).where(eq(medicine.id, med.id));
		expect(row).toMatchObject({ reorderLevel: 0, reorderQuantity: 0 });
	});
});

describe('expiry bands', () => {
	it.each([
		['2026-01-09', 'expired'],
		['2026-01-10', 30],
		['2026-02-09', 30],
		['2026-02-10', 60],
		['2026-04-10', 90],
		['2026-04-11', null]
	] as const)('a batch expiring %s on 2026-01-10 is %s', (expiry, band) => {
		expect(expiryBand(expiry, '2026-01-10')).toBe(band);
	});
});

describe('stock CSV exports', () => {
	it('lists one row per batch with stock, valued at cost, with a BOM, formulas defused and quotes escaped', async () => {
		const db = database.db;
		const s = await pharmacyScene(db);
		const med = await s.addMedicine(`=HYPERLINK("x") ${key()}`);
		await s.stock(med.id, '+B"1', inDays(45), 12);
		const empty = await s.stock(med.id, '@EMPTY', inDays(300), 1);
		await adjustStock(db, s.pharmacist, { batchId: empty.id, quantity: -1, reason: 'damaged', idempotencyKey: key() });
		const file = await stockCsv(db, s.pharmacist);
		expect(file.body.startsWith('\uFEFF')).toBe(true);
		expect(file.filename).toMatch(new RegExp(`^stock-${s.home.code}-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
		const [header, ...rows] = lines(file.body);
		expect(header).toContain('medicine,form,strength,batch,expiry,on_hand,cost_');
		expect(rows).toHaveLength(1);
		const exp = s.home.currencyExponent;
		const money = (minor: number) => (exp === 0 ? String(minor) : (minor / 10 ** exp).toFixed(exp));
		expect(rows[0]).toBe(
			[`"'=HYPERLINK(""x"") ${med.genericName.split(') ')[1]}"`, 'tablet', '250 mg', `"'+B""1"`, inDays(45), '12', money(500), money(800), money(6000)].join(
				','
			)
		);
	});

	it('defuses every formula lead-in', () => {
		expect(['=1+1', '+1', '-1+1', '-2-3', '@SUM(A1)', '\tx', 'plain', 'a,b'].map(csvCell)).toEqual([
			"'=1+1",
			"'+1",
			"'-1+1",
			"'-2-3",
			"'@SUM(A1)",
			"'\tx",
			'plain',
			'"a,b"'
		]);
		// A negative amount is a number a spreadsheet adds up, not a formula.
		expect(['-1', '-500.00'].map(csvCell)).toEqual(['-1', '-500.00']);
		expect(csvCell(-5)).toBe('-5');
	});

	it('lists batches expiring within the days asked, and movements with their kinds', async () => {
		const db = database.db;
		const s = await pharmacyScene(db);
		const med = await s.addMedicine();
		const soon = await s.stock(med.id, 'SOON', inDays(20), 5);
		await s.stock(med.id, 'LATER', inDays(80), 5);
		await s.stock(med.id, 'FAR', inDays(200), 5);
		const rows30 = lines((await expiringCsv(db, s.pharmacist, { days: '30' })).body).slice(1);
		expect(rows30.map((r) => r.split(',')[3])).toEqual(['SOON']);
		const rows90 = lines((await expiringCsv(db, s.pharmacist, {})).body).slice(1);
		expect(rows90.map((r) => r.split(',')[3])).toEqual(['SOON', 'LATER']);
		expect(rows90[0].split(',')[5]).toBe('20');
		for (const days of ['0', '366', 'abc', '-5', '1e3']) expect(await failure(expiringCsv(db, s.pharmacist, { days }))).toMatchObject({ status: 400 });

		await adjustStock(db, s.pharmacist, { batchId: soon.id, quantity: -2, reason: 'damaged', note: '=cmd', idempotencyKey: key() });
		const moves = lines((await movementsCsv(db, s.pharmacist, { medicineId: med.id })).body);
		expect(moves[0]).toBe('at,medicine,batch,kind,quantity,balance_after,reason,by');
		expect(moves).toHaveLength(5);
		expect(moves[1].split(',').slice(2, 7)).toEqual(['SOON', 'written_off', '-2', '3', 'damaged: =cmd']);
		expect(await failure(movementsCsv(db, s.pharmacist, { medicineId: 'nope' }))).toMatchObject({ status: 400 });
	});

	it('refuses the exports to anyone but the pharmacy and admins', async () => {
		const db = database.db;
		const s = await pharmacyScene(db);
		for (const ctx of [s.doctor, s.reception]) {
			expect(await failure(stockCsv(db, ctx))).toMatchObject({ status: 403 });
			expect(await failure(expiringCsv(db, ctx, {}))).toMatchObject({ status: 403 });
			expect(await failure(movementsCsv(db, ctx, {}))).toMatchObject({ status: 403 });
		}
		const admin = await makeMember(db, s.home.id, 'admin');
		expect((await stockCsv(db, ctxOf(s.home.id, admin.id, 'admin'))).body.startsWith('\uFEFF')).toBe(true);
	});
});

function fakeMailer() {
	const sent: EmailMessage[] = [];
	const mailer: Mailer = { send: async (message) => (sent.push(message), 'sent'), close: () => {} };
	return { sent, mailer };
}

describe('daily stock digest', () => {
	it('queues one digest per clinic and day, and mails the pharmacists and admins in their language', async () => {
		const db = database.db;
		const s = await pharmacyScene(db);
		const admin = await makeMember(db, s.home.id, 'admin', { locale: 'ur' });
		const low = await s.addMedicine();
		await db.update(medicine).set({ reorderLevel: 20, reorderQuantity: 50 }).where(eq(medicine.id, low.id));
		await s.stock(low.id, 'LOW1', inDays(300), 4);
		const other = await s.addMedicine();
		await s.stock(other.id, 'EXP55', inDays(55), 7);

		// Not in the night: the digest waits for 07:00 in the clinic, then goes once, however many passes race.
		const today = clinicToday(s.home.timezone);
		const at = (time: string) => new Date(instantOf(`${today}T${time}`, s.home.timezone));
		await queueStockDigests(db, at('06:59'));
		expect(
			await db
				.select()
				.from(outboxEvent)
				.where(and(eq(outboxEvent.clinicId, s.home.id), eq(outboxEvent.type, 'stock.digest')))
		).toHaveLength(0);
		await Promise.all([queueStockDigests(db, at('07:00')), queueStockDigests(db, at('07:00'))]);
		await queueStockDigests(db, at('15:30'));
		const events = await db
			.select()
			.from(outboxEvent)
			.where(and(eq(outboxEvent.clinicId, s.home.id), eq(outboxEvent.type, 'stock.digest')));
		expect(events).toHaveLength(1);
		expect(events[0].payload).toEqual({ clinicId: s.home.id, day: clinicToday(s.home.timezone) });

		const { sent, mailer } = fakeMailer();
		const deps = { db, mailer, vapid: () => Promise.reject(new Error('no push')), origin: 'https://clinic.example', log: pino({ enabled: false }) };
		const result = await deliverEvent(deps, { type: events[0].type, payload: events[0].payload, createdAt: events[0].createdAt, deliveredTo: [] });
		expect(result.errors).toEqual([]);
		// Two pharmacists and the admin; the doctor and the desk are not told.
		expect(sent).toHaveLength(3);
		expect(sent.map((e) => e.to)).toEqual(expect.arrayContaining([s.pharmacistUser.email, admin.email]));
		const english = sent.find((e) => e.to === s.pharmacistUser.email);
		expect(english?.text).toContain(low.genericName);
		expect(english?.text).toContain('Low on stock');
		expect(english?.text).toContain('EXP55');
		expect(english?.text).toContain('Expiring within 60 days');
		expect(english?.html).toContain(`https://clinic.example/${s.home.code}/pharmacy/stock`);
		const urdu = sent.find((e) => e.to === admin.email);
		expect(urdu).toMatchObject({ lang: 'ur' });
		expect(urdu?.html).toContain('dir="rtl"');
		expect(urdu?.text).toContain('کم اسٹاک');

		// A retry after everyone was reached mails nobody again.
		const { sent: again, mailer: second } = fakeMailer();
		await deliverEvent(
			{ ...deps, mailer: second },
			{ type: events[0].type, payload: events[0].payload, createdAt: events[0].createdAt, deliveredTo: result.done }
		);
		expect(again).toHaveLength(0);
	});

	it('sends nothing to a clinic with nothing low or expiring', async () => {
		const db = database.db;
		const quiet = await makeClinic(db);
		await makeMember(db, quiet.id, 'pharmacist');
		const s = await pharmacyScene(db);
		const med = await s.addMedicine();
		await s.stock(med.id, 'FINE', inDays(400), 50);
		await queueStockDigests(db, new Date(instantOf(`${clinicToday(s.home.timezone)}T09:00`, s.home.timezone)));
		for (const clinicId of [quiet.id, s.home.id]) {
			const events = await db
				.select()
				.from(outboxEvent)
				.where(and(eq(outboxEvent.clinicId, clinicId), eq(outboxEvent.type, 'stock.digest')));
			expect(events).toHaveLength(0);
		}
	});
});
