import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { testDatabase } from '../db';
import { key, ctxOf } from './queueScene';
import { failure, pharmacyScene } from '../pharmacyScene';
import { makeMember } from '../factories';
import { medicine } from '../../src/lib/server/db/schema';
import { importMedicinesCsv } from '../../src/lib/server/pharmacy/catalogueTransfer';
import { importMedicines } from '../../src/lib/server/pharmacy/stockImport';
import type { Database, Db } from '../../src/lib/server/db';

let database: Database;
beforeAll(async () => {
	database = await testDatabase();
});

const header = 'genericName,form,strength,route,atc,atcClass';

async function scene(db: Db) {
	const s = await pharmacyScene(db);
	const adminUser = await makeMember(db, s.home.id, 'admin');
	return { ...s, admin: ctxOf(s.home.id, adminUser.id, 'admin') };
}

const named = (db: Db, clinicId: string, genericName: string) =>
	db
		.select({ id: medicine.id, source: medicine.source })
		.from(medicine)
		.where(and(eq(medicine.clinicId, clinicId), eq(medicine.genericName, genericName)));

describe('the catalogue from CSV, with a preview', () => {
	it('previews every row (problems, repeats, medicines already there) and writes nothing; a kept bad row refuses all; dropping it imports the rest', async () => {
		const db = database.db;
		const s = await scene(db);
		const tag = key().slice(0, 8);
		const had = await s.addMedicine(`alreadyol ${tag}`, '5 mg');
		const fresh = `freshamol ${tag}`;
		const csv = [
			header,
			`${fresh},tablet,500 mg,oral,N02BE01,`,
			`${had.genericName.toUpperCase()},tablet,5 mg,oral,N02BE01,N02B`,
			`badform ${tag},syrup,1 mg,oral,J01,`,
			`${fresh},tablet,500 mg,oral,N02BE01,`,
			`"second, ${tag}",oral liquid,125 mg/5 mL,oral,J01CA04,J01C`
		].join('\r\n');

		const preview = await importMedicinesCsv(db, s.admin, { csv, preview: true });
		expect(preview).toMatchObject({ preview: true, imported: 0, dropped: 0 });
		expect(preview.rows.map((r) => [r.line, r.present, r.problems.map((p) => `${p.field}:${p.code}`)])).toEqual([
			[2, false, []],
			[3, true, []],
			[4, false, ['form:choice_invalid', 'atc:field_invalid']],
			[5, false, ['genericName:conflict']],
			[6, false, []]
		]);
		expect(preview.rows[0]).toMatchObject({ genericName: fresh, form: 'tablet', strength: '500 mg', route: 'oral', atc: 'N02BE01', atcClass: 'N02B' });
		expect(await named(db, s.home.id, fresh)).toEqual([]);

		const refused = await failure(importMedicinesCsv(db, s.admin, { csv }));
		expect(refused).toMatchObject({ code: 'csv_invalid', status: 400 });
		expect((refused as { fields: { field: string }[] }).fields.map((f) => f.field)).toEqual(['line.4.form', 'line.4.atc', 'line.5.genericName']);
		expect(await named(db, s.home.id, fresh)).toEqual([]);

		// Dropping only the bad form still leaves the repeat; dropping both imports the rest.
		expect(await failure(importMedicinesCsv(db, s.admin, { csv, dropLines: [4] }))).toMatchObject({ code: 'csv_invalid', field: 'line.5.genericName' });
		const done = await importMedicinesCsv(db, s.admin, { csv, dropLines: [4, 5] });
		expect(done).toMatchObject({ preview: false, imported: 2, dropped: 2 });
		expect(done.skipped).toEqual([{ line: 3, genericName: had.genericName.toUpperCase(), form: 'tablet', strength: '5 mg' }]);
		expect(await named(db, s.home.id, fresh)).toEqual([{ id: expect.any(String), source: 'import' }]);
		expect(await named(db, s.home.id, `second, ${tag}`)).toHaveLength(1);

		// Dropping the first of two repeats keeps the second: it is no longer a repeat.
		const again = await importMedicinesCsv(db, s.admin, { csv, dropLines: [2, 4], preview: true });
		expect(again.rows.find((r) => r.line === 5)).toMatchObject({ present: true, problems: [] });

		// The same file again: everything is already there, nothing is added.
		const repeat = await importMedicinesCsv(db, s.admin, { csv, dropLines: [4, 5] });
		expect(repeat).toMatchObject({ imported: 0, dropped: 2 });
		expect(repeat.skipped.map((m) => m.line)).toEqual([2, 3, 6]);
	});

	it('the API takes preview and dropLines for the catalogue too', async () => {
		const db = database.db;
		const s = await scene(db);
		const name = `apicatol ${key().slice(0, 8)}`;
		const csv = `${header}\n${name},tablet,5 mg,oral,N02BE01,\nbad,tablet,5 mg,oral,XX,`;
		const preview = await importMedicines(db, s.admin, { kind: 'catalogue', csv, preview: true });
		expect(preview).toMatchObject({ kind: 'catalogue', preview: true, imported: 0 });
		expect(await failure(importMedicines(db, s.admin, { kind: 'catalogue', csv }))).toMatchObject({ code: 'csv_invalid', field: 'line.3.atc' });
		expect(await importMedicines(db, s.admin, { kind: 'catalogue', csv, dropLines: [3] })).toMatchObject({ kind: 'catalogue', imported: 1, dropped: 1 });
		expect(await failure(importMedicines(db, s.admin, { kind: 'catalogue', csv, dropLines: [0] }))).toMatchObject({ status: 400 });
		// An Idempotency-Key replays the first answer rather than reporting the rows as already there.
		const once = key();
		const first = await importMedicines(db, s.admin, { kind: 'catalogue', csv: `${header}\n${name} b,tablet,5 mg,oral,N02BE01,`, idempotencyKey: once });
		expect(first).toMatchObject({ imported: 1 });
		expect(await importMedicines(db, s.admin, { kind: 'catalogue', csv: `${header}\n${name} b,tablet,5 mg,oral,N02BE01,`, idempotencyKey: once })).toEqual(
			first
		);
		expect(await failure(importMedicines(db, s.admin, { kind: 'catalogue', csv, extra: true }))).toMatchObject({ status: 400 });
	});

	it('refuses everyone but admins, previews included, and bad files before any row', async () => {
		const db = database.db;
		const s = await scene(db);
		const csv = `${header}\nrefusol,tablet,5 mg,oral,N02BE01,`;
		for (const who of [s.pharmacist, s.doctor, s.reception]) {
			expect(await failure(importMedicinesCsv(db, who, { csv, preview: true }))).toMatchObject({ code: 'forbidden', status: 403 });
			expect(await failure(importMedicines(db, who, { kind: 'catalogue', csv, preview: true }))).toMatchObject({ code: 'forbidden', status: 403 });
		}
		expect(await named(db, s.home.id, 'refusol')).toEqual([]);

		const fileProblem = async (text: string) => {
			const refused = (await failure(importMedicinesCsv(db, s.admin, { csv: text, preview: true }))) as {
				code: string;
				fields: { field: string; code: string }[];
			};
			expect(refused.code).toBe('csv_invalid');
			return refused.fields.map((f) => `${f.field}:${f.code}`);
		};
		expect(await fileProblem(header)).toEqual(['line.1.file:csv_empty']);
		expect(await fileProblem(`${header}\n\n,,,,,\n`)).toEqual(['line.1.file:csv_empty']);
		expect(await fileProblem('name,form,strength\nx,tablet,1 mg')).toEqual([
			'line.1.genericName:field_required',
			'line.1.route:field_required',
			'line.1.atc:field_required'
		]);
		expect(await fileProblem(`${header}\n"never closed,tablet`)).toEqual(['line.1.file:invalid_input']);
		expect(await fileProblem([header, ...Array.from({ length: 5001 }, (_, i) => `m${i},tablet,1 mg,oral,N02BE01,`)].join('\n'))).toEqual([
			'line.1.file:field_too_large'
		]);
		expect(await failure(importMedicinesCsv(db, s.admin, { csv: '' }))).toMatchObject({ status: 400, field: 'csv' });
		expect(await failure(importMedicinesCsv(db, s.admin, { csv: `${header}\n${'x'.repeat(1_000_001)}` }))).toMatchObject({ status: 400, field: 'csv' });
	});
});
