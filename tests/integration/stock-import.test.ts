import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../db';
import { key } from './queueScene';
import { failure, inDays, ledgerHolds, pharmacyScene } from '../pharmacyScene';
import { medicineStock } from '../../src/lib/server/pharmacy/stock';
import { importMedicines, importOpeningStock } from '../../src/lib/server/pharmacy/stockImport';
import { makeMember } from '../factories';
import { ctxOf } from './queueScene';
import type { Database } from '../../src/lib/server/db';

let database: Database;
beforeAll(async () => {
	database = await testDatabase();
});

const header = 'genericName,form,strength,batchNumber,expiry,quantity,costPrice,salePrice';

describe('opening stock from CSV', () => {
	it('previews every row with its problems and writes nothing; importing with a bad row is refused whole; dropping it imports the rest', async () => {
		const db = database.db;
		const s = await pharmacyScene(db);
		const para = await s.addMedicine(`openamol ${key()}`, '500 mg');
		const csv = [
			header,
			`${para.genericName.toUpperCase()},tablet,500 mg,OP-1,${inDays(300)},40,12.50,20`,
			`nosuchmycin,tablet,1 mg,OP-2,${inDays(300)},5,1,2`,
			`${para.genericName},tablet,500 mg,OP-3,2020-01-01,0,abc,3.999`,
			`${para.genericName},tablet,500 mg,"OP-4, shelf B",${inDays(400)},10,7,9`
		].join('\n');

		const preview = await importOpeningStock(db, s.pharmacist, { csv, preview: true });
		expect(preview.imported).toBe(0);
		expect(preview.rows.map((r) => [r.line, r.problems.map((p) => `${p.field}:${p.code}`)])).toEqual([
			[2, []],
			[3, ['genericName:medicine_not_in_catalogue']],
			[4, ['expiry:batch_expired', 'quantity:units_invalid', 'costPrice:amount_invalid', 'salePrice:amount_invalid']],
			[5, []]
		]);
		expect(preview.rows[0]).toMatchObject({ medicineId: para.id, quantity: 40, costPrice: 1250, salePrice: 2000 });
		// A medicine the catalogue lacks is named, so the user knows what to add (or to import the catalogue first).
		expect(preview.rows[1].problems[0].params).toEqual({ name: 'nosuchmycin 1 mg tablet' });
		expect((await medicineStock(db, s.pharmacist, para.id)).onHand).toBe(0);

		const refused = await failure(importOpeningStock(db, s.pharmacist, { csv, idempotencyKey: key() }));
		expect(refused).toMatchObject({ code: 'csv_invalid', status: 400 });
		expect((refused as { fields: { field: string }[] }).fields.map((f) => f.field)).toContain('line.3.genericName');
		expect((await medicineStock(db, s.pharmacist, para.id)).onHand).toBe(0);

		const done = await importOpeningStock(db, s.pharmacist, { csv, dropLines: [3, 4], idempotencyKey: key() });
		expect(done.imported).toBe(2);
		const stock = await medicineStock(db, s.pharmacist, para.id);
		expect(stock.onHand).toBe(50);
		expect(stock.batches.map((b) => b.batchNumber).sort()).toEqual(['OP-1', 'OP-4, shelf B']);
		expect(await ledgerHolds(db, s.home.id)).toEqual([]);
	});

	it('refuses a file without the columns, other roles, and bad input', async () => {
		const db = database.db;
		const s = await pharmacyScene(db);
		expect(await failure(importOpeningStock(db, s.pharmacist, { csv: 'genericName,form\nx,tablet' }))).toMatchObject({ code: 'csv_invalid' });
		expect(await failure(importOpeningStock(db, s.pharmacist, { csv: `${header}\n"unclosed` }))).toMatchObject({ code: 'csv_invalid' });
		expect(await failure(importOpeningStock(db, s.reception, { csv: header }))).toMatchObject({ code: 'forbidden' });
		expect(await failure(importOpeningStock(db, s.doctor, { csv: header }))).toMatchObject({ code: 'forbidden' });
		expect(await failure(importOpeningStock(db, s.pharmacist, { csv: '' }))).toMatchObject({ status: 400 });
		expect(await failure(importOpeningStock(db, s.pharmacist, { csv: `${header}\nx,tablet,1 mg,B,2030-01-01,1,1,1`, dropLines: ['2'] }))).toMatchObject({
			status: 400
		});
		// A header and no rows, blank lines only, too many rows, too many characters: refused before any row is read.
		for (const empty of [header, `${header}\n\n,,,,,,,\n`]) {
			const refused = await failure(importOpeningStock(db, s.pharmacist, { csv: empty, preview: true }));
			expect(refused).toMatchObject({ code: 'csv_invalid', status: 400, fields: [{ field: 'line.1.file', code: 'csv_empty' }] });
		}
		const many = [header, ...Array.from({ length: 5001 }, (_, i) => `x,tablet,1 mg,B${i},2030-01-01,1,1,1`)].join('\n');
		expect(await failure(importOpeningStock(db, s.pharmacist, { csv: many, preview: true }))).toMatchObject({
			code: 'csv_invalid',
			fields: [{ field: 'line.1.file', code: 'field_too_large', params: { max: 5000 } }]
		});
		expect(await failure(importOpeningStock(db, s.pharmacist, { csv: `${header}\n${'x'.repeat(1_000_001)}`, preview: true }))).toMatchObject({
			status: 400,
			field: 'csv'
		});
		// Every missing column is named.
		const wrongHeader = await failure(importOpeningStock(db, s.pharmacist, { csv: 'generic,form,strength\nx,tablet,1 mg' }));
		expect((wrongHeader as { fields: { field: string }[] }).fields.map((f) => f.field)).toEqual(
			['genericName', 'batchNumber', 'expiry', 'quantity', 'costPrice', 'salePrice'].map((c) => `line.1.${c}`)
		);
	});

	it('one API import: opening stock for the pharmacy, the catalogue for admins only', async () => {
		const db = database.db;
		const s = await pharmacyScene(db);
		const adminUser = await makeMember(db, s.home.id, 'admin');
		const admin = ctxOf(s.home.id, adminUser.id, 'admin');
		const name = `importol ${key()}`;
		const catalogue = `genericName,form,strength,route,atc\n${name},tablet,5 mg,oral,N02BE01`;
		expect(await failure(importMedicines(db, s.pharmacist, { kind: 'catalogue', csv: catalogue }))).toMatchObject({ code: 'forbidden' });
		expect(await importMedicines(db, admin, { kind: 'catalogue', csv: catalogue })).toMatchObject({ kind: 'catalogue', imported: 1 });
		const stock = `${header}\n${name},tablet,5 mg,IM-1,${inDays(100)},8,1,2`;
		const preview = await importMedicines(db, s.pharmacist, { kind: 'stock', csv: stock, preview: true });
		expect(preview).toMatchObject({ kind: 'stock', preview: true, imported: 0 });
		expect(await importMedicines(db, s.pharmacist, { kind: 'stock', csv: stock })).toMatchObject({ kind: 'stock', imported: 1 });
		expect(await failure(importMedicines(db, s.reception, { kind: 'stock', csv: stock }))).toMatchObject({ code: 'forbidden' });
		expect(await failure(importMedicines(db, s.pharmacist, { kind: 'other', csv: stock }))).toMatchObject({ status: 400 });
	});
});
