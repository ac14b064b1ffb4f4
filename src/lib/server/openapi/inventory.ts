import { z } from 'zod';
import { clinicCode } from '../tenancy/schema';
import { reorderInput } from '../pharmacy/inventory';
import { jsonSchemaOf } from './jsonSchema';
import { bodyErrors, errors, idempotent, jsonRequest, jsonResponse, pathParameter } from './common';
import type { ApiContribution, Parameter, Response } from './types';

export const reorderView = z.object({ medicineId: z.uuid(), reorderLevel: z.number().int(), reorderQuantity: z.number().int() });

const codeParameter: Parameter = pathParameter('code', 'The clinic code, e.g. `SHF01`.', jsonSchemaOf(clinicCode, 'input'));
const medicineParameter: Parameter = pathParameter('id', 'The medicine’s id.', { type: 'string', format: 'uuid' });
const tags = ['inventory'];
const csv = (description: string): Response => ({ description, content: { 'text/csv': { schema: { type: 'string' } } } });
const csvNote =
	"UTF-8 with a byte-order mark (Excel reads Urdu names), CRLF line ends, amounts as plain decimals of the clinic currency. A cell that starts with `=`, `+`, `-` or `@` is prefixed with `'` so a spreadsheet never runs it.";

/** Reorder levels and the stock exports (the Stock tab of the pharmacy). */
export const inventoryApi: ApiContribution = {
	tag: {
		name: 'inventory',
		description: 'Keeping the pharmacy stocked: reorder levels that raise low-stock alerts, and CSV exports of stock, movements and expiring batches.'
	},
	schemas: { ReorderLevels: jsonSchemaOf(reorderView, 'output') },
	paths: {
		'/clinics/{code}/medicines/{id}/reorder': {
			parameters: [codeParameter, medicineParameter],
			put: idempotent(
				{
					operationId: 'setReorderLevels',
					summary: 'Set a medicine’s reorder level and quantity',
					description:
						'Pharmacists and admins. The medicine is low on stock when what may be dispensed falls to `reorderLevel` (0: never); `reorderQuantity` is what to order then. Whole units, 0 to 1 000 000.',
					tags,
					requestBody: jsonRequest(reorderInput),
					responses: { '200': jsonResponse('Set.', 'ReorderLevels'), ...errors(...bodyErrors, 'Unauthenticated', 'NotFound', 'Forbidden') }
				},
				{ required: false }
			)
		},
		'/clinics/{code}/stock.csv': {
			parameters: [codeParameter],
			get: {
				operationId: 'exportStockCsv',
				summary: 'Stock on hand as CSV, one row per batch',
				description: `Pharmacists and admins. Batches with stock: medicine, form, strength, batch, expiry, on hand, cost, sale price and value at cost. ${csvNote}`,
				tags,
				responses: { '200': csv('The stock.'), ...errors('Unauthenticated', 'NotFound', 'Forbidden') }
			}
		},
		'/clinics/{code}/stock/movements.csv': {
			parameters: [codeParameter],
			get: {
				operationId: 'exportStockMovementsCsv',
				summary: 'Stock movements as CSV',
				description: `Pharmacists and admins. The movements \`GET …/stock/movements\` lists, newest first (at most 2000). ${csvNote}`,
				tags,
				parameters: [
					{ name: 'medicineId', in: 'query', required: false, description: 'One medicine only.', schema: { type: 'string', format: 'uuid' } },
					{ name: 'from', in: 'query', required: false, description: 'First day (YYYY-MM-DD, the clinic’s day).', schema: { type: 'string', format: 'date' } },
					{ name: 'to', in: 'query', required: false, description: 'Last day (YYYY-MM-DD, the clinic’s day).', schema: { type: 'string', format: 'date' } },
					{ name: 'kind', in: 'query', required: false, description: 'One kind of movement only (`received`, `dispensed`, …).', schema: { type: 'string' } }
				],
				responses: { '200': csv('The movements.'), ...errors('BadRequest', 'Unauthenticated', 'NotFound', 'Forbidden') }
			}
		},
		'/clinics/{code}/stock/expiring.csv': {
			parameters: [codeParameter],
			get: {
				operationId: 'exportExpiringStockCsv',
				summary: 'Batches expiring soon as CSV',
				description: `Pharmacists and admins. Batches with stock that expire within \`days\` of the clinic’s today, or already have, first expiry first. ${csvNote}`,
				tags,
				parameters: [
					{
						name: 'days',
						in: 'query',
						required: false,
						description: 'Days ahead, 1 to 365 (90 when left out).',
						schema: { type: 'integer', minimum: 1, maximum: 365, default: 90 }
					}
				],
				responses: { '200': csv('The expiring batches.'), ...errors('BadRequest', 'Unauthenticated', 'NotFound', 'Forbidden') }
			}
		}
	}
};
