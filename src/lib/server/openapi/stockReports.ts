import { z } from 'zod';
import { clinicCode } from '../tenancy/schema';
import { MOVEMENT_KINDS } from '../pharmacy/reports';
import { jsonSchemaOf } from './jsonSchema';
import { errors, jsonResponse, pathParameter } from './common';
import type { ApiContribution, Parameter, Response } from './types';

const reportMedicine = z.object({ id: z.uuid(), genericName: z.string(), form: z.string(), strength: z.string() });

export const dispensingLogView = z.object({
	date: z.string().meta({ description: 'The clinic day reported, YYYY-MM-DD.' }),
	timezone: z.string(),
	entries: z.array(
		z.object({
			movementId: z.uuid(),
			at: z.string(),
			kind: z.enum(['dispensed', 'patient_return']),
			quantity: z.number().int().meta({ description: 'Units the patient took away: positive when dispensed, negative when brought back.' }),
			patient: z
				.object({ id: z.uuid(), name: z.string(), ref: z.string().meta({ description: 'The patient’s number in the clinic, e.g. `SHF01-P12`.' }) })
				.nullable(),
			prescriptionId: z.uuid().nullable(),
			visitRef: z.string().nullable(),
			medicine: reportMedicine,
			batchNumber: z.string(),
			pharmacist: z.string()
		})
	),
	totals: z.array(z.object({ medicine: reportMedicine, dispensed: z.number().int(), returned: z.number().int(), net: z.number().int() }))
});

export const movementReportView = z.object({
	medicine: reportMedicine.extend({ unit: z.string() }),
	from: z.string(),
	to: z.string(),
	kind: z.enum(MOVEMENT_KINDS).nullable(),
	timezone: z.string(),
	opening: z.number().int().meta({ description: 'On hand of the medicine (every batch) when `from` began.' }),
	closing: z.number().int().meta({ description: 'On hand when `to` ended.' }),
	truncated: z.boolean().meta({ description: 'More than 5000 movements in the range: only the first 5000 are listed; the balances stay exact.' }),
	movements: z.array(
		z.object({
			id: z.uuid(),
			at: z.string(),
			batchNumber: z.string(),
			kind: z.enum(MOVEMENT_KINDS),
			quantity: z.number().int().meta({ description: 'Signed: positive into stock, negative out of it.' }),
			balance: z.number().int().meta({ description: 'The medicine’s on hand after this movement.' }),
			reason: z.string(),
			actorName: z.string()
		})
	)
});

export const stockValueView = z.object({
	asOf: z.string(),
	today: z.string(),
	currency: z.string(),
	currencyExponent: z.number().int(),
	medicines: z.array(
		z.object({
			medicine: reportMedicine,
			unit: z.string(),
			onHand: z.number().int(),
			valueAtCost: z.number().int().meta({ description: 'Integer minor units of the clinic currency.' }),
			valueAtSale: z.number().int().meta({ description: 'Integer minor units of the clinic currency.' })
		})
	),
	totals: z.object({ onHand: z.number().int(), valueAtCost: z.number().int(), valueAtSale: z.number().int() })
});

const codeParameter: Parameter = pathParameter('code', 'The clinic code, e.g. `SHF01`.', jsonSchemaOf(clinicCode, 'input'));
const tags = ['reports'];
const csv = (description: string): Response => ({ description, content: { 'text/csv': { schema: { type: 'string' } } } });
const csvNote =
	"UTF-8 with a byte-order mark, CRLF line ends, times on the clinic's wall clock, amounts as plain decimals of the clinic currency; a cell that starts with `=`, `+`, `-` or `@` is prefixed with `'`.";
const readErrors = errors('BadRequest', 'Unauthenticated', 'NotFound', 'Forbidden');
const dateParameter: Parameter = {
	name: 'date',
	in: 'query',
	required: false,
	description: 'The clinic day, YYYY-MM-DD (today when left out).',
	schema: { type: 'string', format: 'date' }
};
const movementParameters: Parameter[] = [
	{ name: 'medicineId', in: 'query', required: true, description: 'The medicine.', schema: { type: 'string', format: 'uuid' } },
	{
		name: 'from',
		in: 'query',
		required: false,
		description: 'First clinic day, YYYY-MM-DD (29 days before `to` when left out).',
		schema: { type: 'string', format: 'date' }
	},
	{
		name: 'to',
		in: 'query',
		required: false,
		description: 'Last clinic day, YYYY-MM-DD (today when left out); not before `from` (400 `date_order`).',
		schema: { type: 'string', format: 'date' }
	},
	{
		name: 'kind',
		in: 'query',
		required: false,
		description: 'List one kind of movement only; the balances still count every kind.',
		schema: { type: 'string', enum: [...MOVEMENT_KINDS] }
	}
];

/** The pharmacy's reports (the Reports tab): the dispensing log, a medicine's movements, the stock's value. */
export const stockReportsApi: ApiContribution = {
	tag: {
		name: 'reports',
		description: 'The pharmacy’s reports, read from the stock ledger: pharmacists and admins only. Each has a CSV twin at the same path with `.csv`.'
	},
	schemas: {
		DispensingLog: jsonSchemaOf(dispensingLogView, 'output'),
		MovementReport: jsonSchemaOf(movementReportView, 'output'),
		StockValue: jsonSchemaOf(stockValueView, 'output')
	},
	paths: {
		'/clinics/{code}/pharmacy/reports/dispensing': {
			parameters: [codeParameter],
			get: {
				operationId: 'getDispensingLog',
				summary: 'The daily dispensing log',
				description:
					'Pharmacists and admins. Every batch dispensed to a patient or returned by one on one clinic day, oldest first: patient, visit, medicine, batch, quantity and pharmacist, with the totals per medicine.',
				tags,
				parameters: [dateParameter],
				responses: { '200': jsonResponse('The log.', 'DispensingLog'), ...readErrors }
			}
		},
		'/clinics/{code}/pharmacy/reports/dispensing.csv': {
			parameters: [codeParameter],
			get: {
				operationId: 'exportDispensingLogCsv',
				summary: 'The daily dispensing log as CSV',
				description: `Pharmacists and admins. The rows of \`…/pharmacy/reports/dispensing\`. ${csvNote}`,
				tags,
				parameters: [dateParameter],
				responses: { '200': csv('The log.'), ...readErrors }
			}
		},
		'/clinics/{code}/pharmacy/reports/movements': {
			parameters: [codeParameter],
			get: {
				operationId: 'getMedicineMovementReport',
				summary: 'A medicine’s movements over a range of days, with its running balance',
				description:
					'Pharmacists and admins. Oldest first, each with the medicine’s on hand after it; the opening balance is everything before `from`, the closing balance everything up to the end of `to`.',
				tags,
				parameters: movementParameters,
				responses: { '200': jsonResponse('The report.', 'MovementReport'), ...readErrors }
			}
		},
		'/clinics/{code}/pharmacy/reports/movements.csv': {
			parameters: [codeParameter],
			get: {
				operationId: 'exportMedicineMovementReportCsv',
				summary: 'A medicine’s movements as CSV',
				description: `Pharmacists and admins. An \`opening\` row, the movements with the running balance, a \`closing\` row. ${csvNote}`,
				tags,
				parameters: movementParameters,
				responses: { '200': csv('The report.'), ...readErrors }
			}
		},
		'/clinics/{code}/stock/value': {
			parameters: [codeParameter],
			get: {
				operationId: 'getStockValue',
				summary: 'The stock on hand valued at cost and at sale price',
				description:
					'Pharmacists and admins. Per medicine with stock, as of now: units on hand, their value at each batch’s cost price and at its sale price, and the grand totals. Expired batches count until written off.',
				tags,
				responses: { '200': jsonResponse('The value.', 'StockValue'), ...errors('Unauthenticated', 'NotFound', 'Forbidden') }
			}
		},
		'/clinics/{code}/stock/value.csv': {
			parameters: [codeParameter],
			get: {
				operationId: 'exportStockValueCsv',
				summary: 'The stock value as CSV',
				description: `Pharmacists and admins. One row per medicine, then a \`TOTAL\` row. ${csvNote}`,
				tags,
				responses: { '200': csv('The value.'), ...errors('Unauthenticated', 'NotFound', 'Forbidden') }
			}
		}
	}
};
