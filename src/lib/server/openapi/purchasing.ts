import { z } from 'zod';
import { clinicCode } from '../tenancy/schema';
import {
	PURCHASE_ORDER_STATUSES,
	lowStockOrderInput,
	orderStepInput,
	purchaseOrderInput,
	purchaseOrderPatch,
	receiveOrderInput,
	supplierInput,
	supplierPatch
} from '../pharmacy/purchasingSchema';
import { jsonSchemaOf } from './jsonSchema';
import { bodyErrors, errors, idempotent, jsonRequest, jsonResponse, pathParameter } from './common';
import type { ApiContribution, Parameter } from './types';

export const supplierView = z.object({
	id: z.uuid(),
	name: z.string(),
	phone: z.string().meta({ description: 'E.164, or empty.' }),
	email: z.string().meta({ description: 'Or empty.' }),
	address: z.string(),
	archived: z.boolean().meta({ description: 'An archived supplier takes no new orders.' })
});
export const suppliersView = z.object({ suppliers: z.array(supplierView) });

const status = z.enum(PURCHASE_ORDER_STATUSES);
const money = (description: string) =>
	z
		.number()
		.int()
		.meta({ description: `${description}, integer minor units of the clinic currency.` });

export const purchaseOrderView = z.object({
	id: z.uuid(),
	ref: z.string().meta({ description: 'The order’s number, e.g. `SHF01-PO1000`.' }),
	status,
	supplier: z.object({ id: z.uuid(), name: z.string(), phone: z.string(), email: z.string(), address: z.string() }),
	note: z.string(),
	createdBy: z.uuid(),
	createdAt: z.string(),
	updatedAt: z.string(),
	total: money('Expected cost of the order'),
	lines: z.array(
		z.object({
			id: z.uuid(),
			medicineId: z.uuid(),
			medicine: z.string().meta({ description: 'Generic name, strength and form.' }),
			unit: z.string().meta({ description: 'The dispensing unit quantities are counted in.' }),
			quantity: z.number().int(),
			received: z.number().int().meta({ description: 'Units received so far, never more than `quantity`.' }),
			costPrice: money('Expected cost per unit')
		})
	)
});

export const purchaseOrdersView = z.object({
	orders: z.array(
		purchaseOrderView.omit({ lines: true, supplier: true }).extend({ supplier: z.object({ id: z.uuid(), name: z.string() }), lineCount: z.number().int() })
	)
});

export const receiptView = z.object({
	orderId: z.uuid(),
	status,
	batches: z
		.array(z.object({ lineId: z.uuid(), batchId: z.uuid(), medicineId: z.uuid(), batchNumber: z.string(), quantity: z.number().int() }))
		.meta({ description: 'The new batches, one per received part.' }),
	lines: z.array(z.object({ lineId: z.uuid(), quantity: z.number().int(), received: z.number().int() }))
});

const codeParameter: Parameter = pathParameter('code', 'The clinic code, e.g. `SHF01`.', jsonSchemaOf(clinicCode, 'input'));
const supplierParameter: Parameter = pathParameter('id', 'The supplier’s id.', { type: 'string', format: 'uuid' });
const orderParameter: Parameter = pathParameter('id', 'The purchase order’s id.', { type: 'string', format: 'uuid' });
const tags = ['purchasing'];
const readErrors = errors('Unauthenticated', 'NotFound', 'Forbidden');
const commandErrors = errors(...bodyErrors, 'Unauthenticated', 'NotFound', 'Forbidden', 'Conflict');
const who = 'Pharmacists and admins.';

const step = (operationId: string, summary: string, description: string) => ({
	parameters: [codeParameter, orderParameter],
	post: idempotent(
		{
			operationId,
			summary,
			description: `${who} ${description} Any other state is 409 \`purchase_order_state\`.`,
			tags,
			requestBody: jsonRequest(orderStepInput),
			responses: { '200': jsonResponse('The order.', 'PurchaseOrder'), ...commandErrors }
		},
		{ required: false }
	)
});

/** Suppliers and purchase orders. */
export const purchasingApi: ApiContribution = {
	tag: {
		name: 'purchasing',
		description:
			'The pharmacy’s suppliers and its purchase orders: written by hand or from everything at or below its reorder level, sent, and received (fully or in parts) into new batches of stock.'
	},
	schemas: {
		Supplier: jsonSchemaOf(supplierView, 'output'),
		Suppliers: jsonSchemaOf(suppliersView, 'output'),
		PurchaseOrder: jsonSchemaOf(purchaseOrderView, 'output'),
		PurchaseOrders: jsonSchemaOf(purchaseOrdersView, 'output'),
		Receipt: jsonSchemaOf(receiptView, 'output')
	},
	paths: {
		'/clinics/{code}/suppliers': {
			parameters: [codeParameter],
			get: {
				operationId: 'listSuppliers',
				summary: 'The clinic’s suppliers',
				description: `${who} By name, archived ones last.`,
				tags,
				responses: { '200': jsonResponse('The suppliers.', 'Suppliers'), ...readErrors }
			},
			post: {
				operationId: 'createSupplier',
				summary: 'Add a supplier',
				description: `${who} The name is unique in the clinic whatever its case (409 \`supplier_name_taken\`); the phone is read with the clinic’s country.`,
				tags,
				requestBody: jsonRequest(supplierInput('PK')),
				responses: { '201': jsonResponse('Added.', 'Supplier'), ...commandErrors }
			}
		},
		'/clinics/{code}/suppliers/{id}': {
			parameters: [codeParameter, supplierParameter],
			patch: {
				operationId: 'updateSupplier',
				summary: 'Change or archive a supplier',
				description: `${who} Only the fields given change; \`archived: true\` keeps the supplier on old orders but off new ones.`,
				tags,
				requestBody: jsonRequest(supplierPatch('PK')),
				responses: { '200': jsonResponse('Changed.', 'Supplier'), ...commandErrors }
			}
		},
		'/clinics/{code}/purchase-orders': {
			parameters: [codeParameter],
			get: {
				operationId: 'listPurchaseOrders',
				summary: 'Purchase orders, newest first',
				description: `${who} At most 500, optionally of one status.`,
				tags,
				parameters: [{ name: 'status', in: 'query', description: 'One status.', schema: { type: 'string', enum: [...PURCHASE_ORDER_STATUSES] } }],
				responses: { '200': jsonResponse('The orders.', 'PurchaseOrders'), ...errors('BadRequest', 'Unauthenticated', 'NotFound', 'Forbidden') }
			},
			post: idempotent(
				{
					operationId: 'createPurchaseOrder',
					summary: 'Write a draft purchase order',
					description: `${who} Each medicine once, with its quantity and expected unit cost; an archived supplier is refused.`,
					tags,
					requestBody: jsonRequest(purchaseOrderInput),
					responses: { '201': jsonResponse('The draft.', 'PurchaseOrder'), ...commandErrors }
				},
				{ required: false }
			)
		},
		'/clinics/{code}/purchase-orders/from-low-stock': {
			parameters: [codeParameter],
			post: idempotent(
				{
					operationId: 'orderFromLowStock',
					summary: 'Draft an order of everything at or below its reorder level',
					description:
						`${who} Every medicine with a reorder level whose dispensable stock (not expired, not too close to expiry) is at or below it, ` +
						'in its reorder quantity (or up to its level when it has none), at the cost of its latest delivery. 409 `nothing_to_order` when nothing is low.',
					tags,
					requestBody: jsonRequest(lowStockOrderInput),
					responses: { '201': jsonResponse('The draft.', 'PurchaseOrder'), ...commandErrors }
				},
				{ required: false }
			)
		},
		'/clinics/{code}/purchase-orders/{id}': {
			parameters: [codeParameter, orderParameter],
			get: {
				operationId: 'getPurchaseOrder',
				summary: 'A purchase order with its lines',
				description: who,
				tags,
				responses: { '200': jsonResponse('The order.', 'PurchaseOrder'), ...readErrors }
			},
			patch: {
				operationId: 'updatePurchaseOrder',
				summary: 'Edit a draft purchase order',
				description: `${who} Its supplier, note, or lines (given lines replace the old ones). Only a draft: 409 \`purchase_order_state\` otherwise.`,
				tags,
				requestBody: jsonRequest(purchaseOrderPatch),
				responses: { '200': jsonResponse('The draft.', 'PurchaseOrder'), ...commandErrors }
			}
		},
		'/clinics/{code}/purchase-orders/{id}/order': step('markPurchaseOrderOrdered', 'Mark a draft as sent to the supplier', 'A draft becomes `ordered`.'),
		'/clinics/{code}/purchase-orders/{id}/cancel': step(
			'cancelPurchaseOrder',
			'Cancel a purchase order',
			'A draft, or an ordered order nothing of which was received, becomes `cancelled`.'
		),
		'/clinics/{code}/purchase-orders/{id}/receive': {
			parameters: [codeParameter, orderParameter],
			post: idempotent(
				{
					operationId: 'receivePurchaseOrder',
					summary: 'Receive a delivery of a purchase order into stock',
					description:
						`${who} Per order line, one or more parts, each a new batch with its number, expiry, quantity, cost and sale price, recorded as a \`received\` movement naming the order; all in one transaction. ` +
						'A line never takes in more than was ordered, however many receipts race (400 `receive_exceeds`); an expired batch is 400 `batch_expired`. ' +
						'The order becomes `partly_received`, then `received` when every line is in. Only an `ordered` or `partly_received` order: 409 `purchase_order_state` otherwise.',
					tags,
					requestBody: jsonRequest(receiveOrderInput),
					responses: { '200': jsonResponse('Received.', 'Receipt'), ...commandErrors }
				},
				{ required: true }
			)
		},
		'/clinics/{code}/purchase-orders/{id}/pdf': {
			parameters: [codeParameter, orderParameter],
			get: {
				operationId: 'purchaseOrderPdf',
				summary: 'The purchase order as a PDF for the supplier',
				description: `${who} A4, its labels in the caller’s language.`,
				tags,
				responses: { '200': { description: 'The PDF.', content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } }, ...readErrors }
			}
		},
		'/clinics/{code}/purchase-orders/{id}/csv': {
			parameters: [codeParameter, orderParameter],
			get: {
				operationId: 'purchaseOrderCsv',
				summary: 'The purchase order as CSV',
				description: `${who} One row per line (UTF-8 with a byte-order mark); amounts in major units of the clinic currency.`,
				tags,
				responses: { '200': { description: 'The CSV.', content: { 'text/csv': { schema: { type: 'string' } } } }, ...readErrors }
			}
		}
	}
};
