import { z } from 'zod';
import { clinicCode } from '../tenancy/schema';
import { adjustmentInput, collectInput, dispenseInput, lineOutcomeInput, prepareInput, receiveBatchInput, returnInput } from '../pharmacy/stockSchema';
import { jsonSchemaOf } from './jsonSchema';
import { bodyErrors, errors, idempotent, jsonRequest, jsonResponse, pathParameter } from './common';
import type { ApiContribution, Parameter } from './types';

const PHARMACY_STATUSES = ['waiting', 'in_progress', 'waiting_for_stock', 'ready', 'collected'] as const;
const LINE_STATUSES = ['pending', 'dispensed', 'partly_dispensed', 'waiting_for_stock', 'substituted', 'not_dispensed', 'collected'] as const;
const MOVEMENT_KINDS = ['received', 'dispensed', 'patient_return', 'supplier_return', 'adjusted', 'written_off', 'transfer_out', 'transfer_in'] as const;

export const batchView = z.object({
	id: z.uuid(),
	batchNumber: z.string(),
	expiry: z.string().meta({ description: 'YYYY-MM-DD, the last day it may be used.' }),
	onHand: z.number().int(),
	receivedQuantity: z.number().int(),
	costPrice: z.number().int().meta({ description: 'Per unit, integer minor units of the clinic currency.' }),
	salePrice: z.number().int().meta({ description: 'Per unit, integer minor units of the clinic currency.' }),
	supplierId: z.uuid().nullable(),
	receivedAt: z.string(),
	dispensable: z.boolean().meta({ description: 'False when expired or closer to expiry than the clinic dispenses.' })
});

export const stockView = z.object({
	medicineId: z.uuid(),
	onHand: z.number().int().meta({ description: 'Units in every batch with stock.' }),
	dispensable: z.number().int().meta({ description: 'Units that may be dispensed today (not expired, not too close to expiry).' }),
	reorderLevel: z.number().int(),
	reorderQuantity: z.number().int(),
	batches: z
		.array(batchView.pick({ id: true, batchNumber: true, expiry: true, onHand: true, dispensable: true, costPrice: true, salePrice: true, supplierId: true }))
		.meta({
			description: 'First expiry first (the order dispensing takes them in).'
		})
});

const take = z.object({ batchId: z.uuid(), quantity: z.number().int() });

export const dispenseView = z.object({
	lines: z.array(
		z.object({
			lineId: z.uuid(),
			dispensed: z.number().int().meta({ description: 'Units this request gave.' }),
			short: z.number().int().meta({ description: 'Units asked for that stock could not give (the line then waits for stock).' }),
			batches: z.array(take).meta({ description: 'The batches used, first expiry first.' }),
			totalDispensed: z.number().int(),
			prescribed: z.number().int(),
			status: z.enum(LINE_STATUSES)
		})
	),
	status: z.enum(PHARMACY_STATUSES)
});

export const queueView = z.object({
	prescriptions: z.array(
		z.object({
			id: z.uuid(),
			patient: z.object({ id: z.uuid(), name: z.string() }),
			visitId: z.uuid(),
			doctorId: z.uuid(),
			urgent: z.boolean(),
			status: z.enum(PHARMACY_STATUSES),
			issuedAt: z.string(),
			preparedBy: z.uuid().nullable(),
			readyAt: z.string().nullable(),
			collectedAt: z.string().nullable(),
			lines: z.array(
				z.object({
					id: z.uuid(),
					medicineId: z.uuid(),
					quantity: z.number().meta({ description: 'As prescribed.' }),
					prescribed: z.number().int().meta({ description: 'Whole units to dispense (the quantity rounded up).' }),
					dispensed: z.number().int(),
					returned: z.number().int(),
					status: z.enum(LINE_STATUSES),
					substituteMedicineId: z.uuid().nullable(),
					note: z.string()
				})
			)
		})
	)
});

export const movementsView = z.object({
	movements: z.array(
		z.object({
			id: z.uuid(),
			medicineId: z.uuid(),
			batchId: z.uuid(),
			batchNumber: z.string(),
			kind: z.enum(MOVEMENT_KINDS),
			quantity: z.number().int().meta({ description: 'Signed: positive into stock, negative out of it.' }),
			balanceAfter: z.number().int().meta({ description: 'The batch’s on hand after this movement.' }),
			reason: z.string(),
			prescriptionId: z.uuid().nullable(),
			prescriptionLineId: z.uuid().nullable(),
			transferClinic: z
				.object({ code: z.string(), name: z.string() })
				.nullable()
				.meta({ description: 'The other clinic of a transfer (`transfer_out`: where it went; `transfer_in`: where it came from); null otherwise.' }),
			actorId: z.uuid(),
			actorName: z.string(),
			at: z.string()
		})
	)
});

export const adjustmentView = z.object({ batchId: z.uuid(), kind: z.enum(MOVEMENT_KINDS), quantity: z.number().int(), onHand: z.number().int() });
export const collectView = z.object({ prescriptionId: z.uuid(), status: z.literal('collected'), collectedAt: z.string() });
export const returnView = z.object({ lines: z.array(z.object({ lineId: z.uuid(), returned: z.number().int(), batches: z.array(take) })) });
export const prepareView = z.object({ prescriptionId: z.uuid(), preparedBy: z.uuid() });
export const lineOutcomeView = z.object({ lineId: z.uuid(), outcome: z.enum(['substituted', 'not_dispensed']), status: z.enum(PHARMACY_STATUSES) });

const codeParameter: Parameter = pathParameter('code', 'The clinic code, e.g. `SHF01`.', jsonSchemaOf(clinicCode, 'input'));
const medicineParameter: Parameter = pathParameter('id', 'The medicine’s id.', { type: 'string', format: 'uuid' });
const prescriptionParameter: Parameter = pathParameter('id', 'The prescription’s id.', { type: 'string', format: 'uuid' });
const tags = ['stock'];
const commandErrors = errors(...bodyErrors, 'Unauthenticated', 'NotFound', 'Forbidden', 'Conflict');

/** Stock and dispensing. */
export const stockApi: ApiContribution = {
	tag: {
		name: 'stock',
		description:
			'The pharmacy’s stock, kept per batch, and the dispensing of issued prescriptions. Every change of stock is an append-only movement; quantities are integers in the medicine’s dispensing unit.'
	},
	schemas: {
		Batch: jsonSchemaOf(batchView, 'output'),
		Stock: jsonSchemaOf(stockView, 'output'),
		Dispensed: jsonSchemaOf(dispenseView, 'output'),
		PharmacyQueue: jsonSchemaOf(queueView, 'output'),
		Movements: jsonSchemaOf(movementsView, 'output'),
		Prepared: jsonSchemaOf(prepareView, 'output'),
		LineOutcome: jsonSchemaOf(lineOutcomeView, 'output'),
		Collected: jsonSchemaOf(collectView, 'output'),
		Returned: jsonSchemaOf(returnView, 'output'),
		Adjusted: jsonSchemaOf(adjustmentView, 'output')
	},
	paths: {
		'/clinics/{code}/medicines/{id}/batches': {
			parameters: [codeParameter, medicineParameter],
			post: idempotent(
				{
					operationId: 'receiveBatch',
					summary: 'Receive a batch of a medicine into stock',
					description:
						'Pharmacists and admins. Records a `received` movement of `quantity` units. An expired batch is refused (400 `batch_expired`, field `expiry`); prices are per unit in integer minor units.',
					tags,
					requestBody: jsonRequest(receiveBatchInput),
					responses: { '201': jsonResponse('Received.', 'Batch'), ...commandErrors }
				},
				{ required: false }
			)
		},
		'/clinics/{code}/medicines/{id}/stock': {
			parameters: [codeParameter, medicineParameter],
			get: {
				operationId: 'getMedicineStock',
				summary: 'On hand of a medicine, in total and per batch',
				description: 'Pharmacists and admins. Batches with nothing left are not listed.',
				tags,
				responses: { '200': jsonResponse('The stock.', 'Stock'), ...errors('Unauthenticated', 'NotFound', 'Forbidden') }
			}
		},
		'/clinics/{code}/pharmacy/queue': {
			parameters: [codeParameter],
			get: {
				operationId: 'getPharmacyQueue',
				summary: 'The prescriptions the pharmacy serves',
				description:
					'Pharmacists, admins and doctors. Prescriptions issued in the last two days: those to serve first (urgent, then by arrival), then ready ones, then collected ones. The screen `/{code}/pharmacy` shows the same live.',
				tags,
				responses: { '200': jsonResponse('The queue.', 'PharmacyQueue'), ...errors('Unauthenticated', 'NotFound', 'Forbidden') }
			}
		},
		'/clinics/{code}/prescriptions/{id}/dispense': {
			parameters: [codeParameter, prescriptionParameter],
			post: idempotent(
				{
					operationId: 'dispensePrescription',
					summary: 'Dispense lines of an issued prescription from stock',
					description:
						'Pharmacists and admins. Each line takes from the batch that expires first, splitting across batches, skipping expired batches and those closer to expiry than the clinic allows. ' +
						'A line never leaves the shelf beyond its prescribed quantity, however many requests arrive; a line stock cannot fill is dispensed as far as stock allows and marked `waiting_for_stock`. ' +
						'When every line is settled the prescription is `ready` and the patient is told. 409 `prescription_not_issued` while the visit is open, `prescription_state` once collected.',
					tags,
					requestBody: jsonRequest(dispenseInput),
					responses: { '200': jsonResponse('What left the shelf.', 'Dispensed'), ...commandErrors }
				},
				{ required: true }
			)
		},
		'/clinics/{code}/prescriptions/{id}/prepare': {
			parameters: [codeParameter, prescriptionParameter],
			post: {
				operationId: 'preparePrescription',
				summary: 'Start preparing a prescription',
				description:
					'Pharmacists and admins. Colleagues see who is preparing it; a colleague’s is refused with 409 `being_prepared` unless `takeOver` is true.',
				tags,
				requestBody: jsonRequest(prepareInput),
				responses: { '200': jsonResponse('Yours now.', 'Prepared'), ...commandErrors }
			}
		},
		'/clinics/{code}/prescriptions/{id}/lines/{lineId}': {
			parameters: [codeParameter, prescriptionParameter, pathParameter('lineId', 'The line’s id.', { type: 'string', format: 'uuid' })],
			post: idempotent(
				{
					operationId: 'setPrescriptionLineOutcome',
					summary: 'Substitute a line’s medicine, or record that the patient declined it',
					description:
						'Pharmacists and admins. `substituted`: another product of the same generic and strength (400 `substitute_invalid` otherwise), with the pharmacist’s note; dispensing then takes from its batches. `not_dispensed`: the patient declined.',
					tags,
					requestBody: jsonRequest(lineOutcomeInput),
					responses: { '200': jsonResponse('Recorded.', 'LineOutcome'), ...commandErrors }
				},
				{ required: true }
			)
		},
		'/clinics/{code}/prescriptions/{id}/collect': {
			parameters: [codeParameter, prescriptionParameter],
			post: idempotent(
				{
					operationId: 'collectPrescription',
					summary: 'The patient collected their medicines',
					description: 'Pharmacists and admins. Recorded with who and when. 409 `prescription_state` when nothing was dispensed or it was already collected.',
					tags,
					requestBody: jsonRequest(collectInput),
					responses: { '200': jsonResponse('Collected.', 'Collected'), ...commandErrors }
				},
				{ required: true }
			)
		},
		'/clinics/{code}/prescriptions/{id}/return': {
			parameters: [codeParameter, prescriptionParameter],
			post: idempotent(
				{
					operationId: 'returnPrescription',
					summary: 'Take back units a patient returns',
					description:
						'Pharmacists and admins. The units go back into the batches they were dispensed from (`patient_return` movements); more than was dispensed is 400 `return_exceeds`.',
					tags,
					requestBody: jsonRequest(returnInput),
					responses: { '200': jsonResponse('Back in stock.', 'Returned'), ...commandErrors }
				},
				{ required: true }
			)
		},
		'/clinics/{code}/stock/adjustments': {
			parameters: [codeParameter],
			post: idempotent(
				{
					operationId: 'adjustStock',
					summary: 'Adjust a batch (a count, damage, expiry, a return to the supplier)',
					description:
						'Pharmacists and admins. `quantity` is signed (negative removes). `damaged` and `expired` are written off, `supplier_return` returns units; a batch never goes below zero (409 `stock_short`). Corrections are new adjustments, never edits.',
					tags,
					requestBody: jsonRequest(adjustmentInput),
					responses: { '200': jsonResponse('Adjusted.', 'Adjusted'), ...commandErrors }
				},
				{ required: false }
			)
		},
		'/clinics/{code}/stock/movements': {
			parameters: [codeParameter],
			get: {
				operationId: 'listStockMovements',
				summary: 'Stock movements, newest first',
				description: 'Pharmacists and admins. Filtered by medicine, by kind and by the clinic’s days `from`…`to` (inclusive); at most 2000.',
				tags,
				parameters: [
					{ name: 'medicineId', in: 'query', description: 'One medicine.', schema: { type: 'string', format: 'uuid' } },
					{ name: 'from', in: 'query', description: 'First clinic day, YYYY-MM-DD.', schema: { type: 'string', format: 'date' } },
					{ name: 'to', in: 'query', description: 'Last clinic day, YYYY-MM-DD.', schema: { type: 'string', format: 'date' } },
					{ name: 'kind', in: 'query', description: 'One kind of movement only.', schema: { type: 'string', enum: [...MOVEMENT_KINDS] } }
				],
				responses: { '200': jsonResponse('The movements.', 'Movements'), ...errors('BadRequest', 'Unauthenticated', 'NotFound', 'Forbidden') }
			}
		}
	}
};
