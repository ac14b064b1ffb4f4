import { z } from 'zod';
import { clinicCode } from '../tenancy/schema';
import { countLinesInput, postCountInput, startCountInput } from '../pharmacy/stockCount';
import { medicinesImportInput } from '../pharmacy/stockImport';
import { transferInput } from '../pharmacy/stockSchema';
import { jsonSchemaOf } from './jsonSchema';
import { bodyErrors, errors, idempotent, jsonRequest, jsonResponse, pathParameter } from './common';
import type { ApiContribution, Parameter } from './types';

export const stockCountOutput = z.object({
	id: z.uuid(),
	status: z.enum(['open', 'posted', 'cancelled']),
	createdAt: z.string(),
	postedAt: z.string().nullable(),
	lines: z.array(
		z.object({
			batchId: z.uuid(),
			medicineId: z.uuid(),
			medicineName: z.string(),
			batchNumber: z.string(),
			expiry: z.string(),
			expected: z.number().int().meta({ description: 'On hand when the count started.' }),
			counted: z.number().int().nullable().meta({ description: 'What the pharmacist counted (null until entered).' }),
			onHand: z.number().int().meta({ description: 'On hand now; differs from `expected` when stock moved since the start.' }),
			difference: z.number().int().nullable().meta({ description: 'While open: what posting would move (counted − on hand now); null until counted.' })
		})
	),
	adjustments: z
		.array(z.object({ batchId: z.uuid(), quantity: z.number().int(), balanceAfter: z.number().int() }))
		.meta({ description: 'The `adjusted` movements posting made (reason `stock_count`).' })
});

export const medicinesImportOutput = z.discriminatedUnion('kind', [
	z.object({
		kind: z.literal('stock'),
		preview: z.boolean(),
		imported: z.number().int().meta({ description: 'Batches received (0 for a preview).' }),
		rows: z.array(
			z.object({
				line: z.number().int().meta({ description: 'The row’s line in the file (the header is line 1).' }),
				medicineId: z.uuid().nullable().meta({ description: 'The catalogue entry matched by generic name, form and strength.' }),
				genericName: z.string(),
				form: z.string(),
				strength: z.string(),
				batchNumber: z.string(),
				expiry: z.string(),
				quantity: z.number().int().nullable(),
				costPrice: z.number().int().nullable().meta({ description: 'Minor units of the clinic currency.' }),
				salePrice: z.number().int().nullable().meta({ description: 'Minor units of the clinic currency.' }),
				dropped: z.boolean(),
				problems: z.array(z.object({ field: z.string(), code: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])).optional() }))
			})
		)
	}),
	z.object({
		kind: z.literal('catalogue'),
		preview: z.boolean(),
		imported: z.number().int().meta({ description: 'Medicines added (0 for a preview).' }),
		skipped: z
			.array(z.object({ line: z.number().int().optional(), genericName: z.string(), form: z.string(), strength: z.string() }))
			.meta({ description: 'Kept rows the catalogue already had, left as they were (empty for a preview).' }),
		dropped: z.number().int().meta({ description: 'Rows left out through `dropLines`.' }),
		rows: z.array(
			z.object({
				line: z.number().int().meta({ description: 'The row’s line in the file (the header is line 1).' }),
				genericName: z.string(),
				form: z.string(),
				strength: z.string(),
				route: z.string(),
				atc: z.string(),
				atcClass: z.string(),
				present: z
					.boolean()
					.meta({ description: 'The catalogue already has this medicine (same generic name, form and strength): it is skipped, not an error.' }),
				dropped: z.boolean(),
				problems: z.array(z.object({ field: z.string(), code: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])).optional() }))
			})
		)
	})
]);

export const transferView = z.object({
	transferId: z.uuid().meta({ description: 'The `transferId` of both movements.' }),
	quantity: z.number().int(),
	from: z.object({ batchId: z.uuid(), onHand: z.number().int().meta({ description: 'The batch’s on hand here after the transfer.' }) }),
	to: z.object({
		clinic: z.string().meta({ description: 'The branch’s code.' }),
		medicineId: z.uuid().meta({ description: 'The branch’s catalogue entry (matched by generic name, form and strength, or added).' }),
		batchId: z.uuid(),
		onHand: z.number().int().meta({ description: 'The branch batch’s on hand after the transfer.' })
	})
});

const codeParameter: Parameter = pathParameter('code', 'The clinic code, e.g. `SHF01`.', jsonSchemaOf(clinicCode, 'input'));
const countParameter: Parameter = pathParameter('id', 'The stock count’s id.', { type: 'string', format: 'uuid' });
const tags = ['stock-operations'];
const commandErrors = errors(...bodyErrors, 'Unauthenticated', 'NotFound', 'Forbidden', 'Conflict');
const readErrors = errors('Unauthenticated', 'NotFound', 'Forbidden');

/** Stock counts, CSV imports, transfers between branches and the pharmacy's reports. */
export const stockOpsApi: ApiContribution = {
	tag: {
		name: 'stock-operations',
		description:
			'Counting the shelves and posting the differences, importing opening stock, and transferring stock to a branch. Quantities are integers in the medicine’s dispensing unit.'
	},
	schemas: {
		StockCount: jsonSchemaOf(stockCountOutput, 'output'),
		MedicinesImported: jsonSchemaOf(medicinesImportOutput, 'output'),
		StockTransfer: jsonSchemaOf(transferView, 'output')
	},
	paths: {
		'/clinics/{code}/medicines/import': {
			parameters: [codeParameter],
			post: idempotent(
				{
					operationId: 'importMedicines',
					summary: 'Import opening stock or the catalogue from CSV',
					description:
						'`kind: "stock"` (pharmacists and admins): columns genericName, form, strength, batchNumber, expiry, quantity, costPrice, salePrice (decimal amounts in the clinic currency); each row is matched to the catalogue by generic name, form and strength. `preview: true` answers every row with its problems and writes nothing. Importing while a kept row is wrong is refused whole (400 `csv_invalid`, each problem as `line.<n>.<column>`); list the lines to leave out in `dropLines` to import the rest. Each batch arrives as a `received` movement (reason `opening_stock`). ' +
						'A row whose medicine the catalogue lacks is `medicine_not_in_catalogue` (import the catalogue first). ' +
						'`kind: "catalogue"` (admins only; a pharmacist is refused 403): the clinic’s own medicines, columns genericName, form, strength, route, atc, atcClass (may be empty). The same `preview` and `dropLines`; rows the catalogue already has are marked `present` and skipped, not errors; a row repeating an earlier kept row is `conflict`. ' +
						'A file with no rows is `csv_empty` (field `line.1.file`), more than 5000 rows `field_too_large`.',
					tags,
					requestBody: jsonRequest(medicinesImportInput),
					responses: { '200': jsonResponse('Previewed or imported.', 'MedicinesImported'), ...commandErrors }
				},
				{ required: false }
			)
		},
		'/clinics/{code}/stock/transfers': {
			parameters: [codeParameter],
			post: idempotent(
				{
					operationId: 'transferStock',
					summary: 'Transfer units of a batch to a branch',
					description:
						'Pharmacists and admins of this clinic. `toClinic` is the code of a branch: another active clinic with an active administrator in common (400 `transfer_clinic_invalid` otherwise, this clinic included). ' +
						'In one transaction a `transfer_out` movement here and a `transfer_in` movement in the branch, with the same `transferId`: into the branch’s batch of the same medicine, batch number and expiry, or a new one with the same cost and sale price; the medicine is matched in the branch’s catalogue by generic name, form and strength (any case) and added when missing. ' +
						'More than the batch holds is 409 `stock_short`; a batch past its expiry is 400 `batch_expired` (write it off instead). The same key sent again answers the same transfer.',
					tags,
					requestBody: jsonRequest(transferInput),
					responses: { '201': jsonResponse('Transferred.', 'StockTransfer'), ...commandErrors }
				},
				{ required: true }
			)
		},
		'/clinics/{code}/stock-counts': {
			parameters: [codeParameter],
			post: idempotent(
				{
					operationId: 'startStockCount',
					summary: 'Start a stock count',
					description: 'Pharmacists and admins. Its lines are every batch with stock now, each with `expected` (on hand at the start); the body may be empty.',
					tags,
					requestBody: { ...jsonRequest(startCountInput), required: false },
					responses: { '201': jsonResponse('Started.', 'StockCount'), ...commandErrors }
				},
				{ required: false }
			)
		},
		'/clinics/{code}/stock-counts/{id}': {
			parameters: [codeParameter, countParameter],
			get: {
				operationId: 'getStockCount',
				summary: 'A stock count with its lines and differences',
				description: 'Pharmacists and admins.',
				tags,
				responses: { '200': jsonResponse('The count.', 'StockCount'), ...readErrors }
			}
		},
		'/clinics/{code}/stock-counts/{id}/lines': {
			parameters: [codeParameter, countParameter],
			put: {
				operationId: 'saveStockCountLines',
				summary: 'Enter counted quantities',
				description:
					'Pharmacists and admins. Saves `counted` for the given batches (null clears one); the others keep theirs. A batch not in the count is 400 `field_invalid`; a count no longer open is 409 `stock_count_state`.',
				tags,
				requestBody: jsonRequest(countLinesInput),
				responses: { '200': jsonResponse('Saved.', 'StockCount'), ...commandErrors }
			}
		},
		'/clinics/{code}/stock-counts/{id}/post': {
			parameters: [codeParameter, countParameter],
			post: idempotent(
				{
					operationId: 'postStockCount',
					summary: 'Post the differences as adjustments',
					description:
						'Pharmacists and admins. In one transaction, each counted batch whose on hand now differs from its count gets an `adjusted` movement (reason `stock_count`) that makes on hand equal the count; the difference is taken against on hand at posting, not at the start. Posting a posted count again changes nothing and answers the same; a cancelled count is 409 `stock_count_state`.',
					tags,
					requestBody: { ...jsonRequest(postCountInput), required: false },
					responses: { '200': jsonResponse('Posted.', 'StockCount'), ...commandErrors }
				},
				{ required: false }
			)
		},
		'/clinics/{code}/stock-counts/{id}/cancel': {
			parameters: [codeParameter, countParameter],
			post: {
				operationId: 'cancelStockCount',
				summary: 'Cancel an open stock count',
				description: 'Pharmacists and admins. Nothing moves. Cancelling again answers the same; a posted count is 409 `stock_count_state`.',
				tags,
				responses: { '200': jsonResponse('Cancelled.', 'StockCount'), ...commandErrors }
			}
		}
	}
};
