import { z } from 'zod';
import { clinicCode } from '../tenancy/schema';
import {
	INVOICE_STATUSES,
	PAYMENT_METHODS,
	SERVICE_CATEGORIES,
	creditNoteInput,
	invoiceInput,
	keyOnlyInput,
	paymentInput,
	refundInput,
	serviceInput,
	voidInput
} from '../billing/schema';
import { dayCloseInput } from '../billing/dayClose';
import { doctorShareInput } from '../billing/earnings';
import { paymentSettingsInput } from '../billing/paymentQr';
import { jsonSchemaOf } from './jsonSchema';
import { bodyErrors, errors, idempotent, jsonRequest, jsonResponse, pathParameter } from './common';
import type { ApiContribution, Parameter } from './types';

const money = (description: string) =>
	z
		.number()
		.int()
		.meta({ description: `${description}, integer minor units of the clinic currency.` });
const status = z.enum(INVOICE_STATUSES);
const category = z.enum(SERVICE_CATEGORIES);
const method = z.enum(PAYMENT_METHODS);

export const serviceView = z.object({
	id: z.uuid(),
	name: z.string(),
	category,
	doctorId: z.uuid().nullable().meta({ description: 'The doctor whose consultation this is.' }),
	visitType: z.enum(['new', 'follow_up', 'emergency']).nullable(),
	archived: z.boolean(),
	price: money('The price today').nullable().meta({ description: 'Null when the service has no price yet (its first price starts later).' })
});
export const servicesView = z.object({ services: z.array(serviceView) });

const invoiceSummary = z.object({
	id: z.uuid(),
	number: z.string().nullable().meta({ description: '`ABC01-INV-2026-000123`, given when issued; null on a draft.' }),
	status,
	patientId: z.uuid(),
	visitId: z.uuid().nullable(),
	source: z.enum(['manual', 'auto']),
	total: money('Total with tax'),
	paid: money('Payments less refunds'),
	credited: money('Credit notes'),
	balance: money('Still owed: total − paid − credited'),
	issuedAt: z.string().nullable(),
	createdAt: z.string()
});
export const invoicesView = z.object({ invoices: z.array(invoiceSummary) });

export const invoiceView = invoiceSummary.extend({
	subtotal: money('Quantity × unit price over the lines'),
	discount: money('Discounts over the lines'),
	tax: money('Tax over the lines'),
	note: z.string(),
	lines: z.array(
		z.object({
			id: z.uuid(),
			serviceId: z.uuid().nullable(),
			category,
			description: z.string(),
			quantity: z.number().int(),
			unitPrice: money('Price per unit'),
			discount: money('The line’s discount'),
			discountReason: z.string(),
			taxRateBasisPoints: z.number().int().meta({ description: '1700 = 17 %.' }),
			taxInclusive: z.boolean(),
			tax: money('The line’s tax'),
			total: money('What the line adds to the invoice')
		})
	),
	payments: z.array(
		z.object({
			id: z.uuid(),
			amount: money('Positive taken, negative refunded'),
			toCredit: money('Of the amount, what went to the patient’s credit'),
			method,
			reference: z.string(),
			tendered: z.number().int().nullable(),
			refundOf: z.uuid().nullable(),
			reason: z.string(),
			createdAt: z.string()
		})
	),
	creditNotes: z.array(z.object({ id: z.uuid(), number: z.string(), amount: money('Amount'), reason: z.string(), createdAt: z.string() }))
});

export const issuedView = z.object({
	id: z.uuid(),
	number: z.string().nullable(),
	status,
	subtotal: money('Subtotal'),
	discount: money('Discount'),
	tax: money('Tax'),
	total: money('Total'),
	balance: money('Still owed')
});
export const voidedView = z.object({ id: z.uuid(), status: z.literal('void') });
export const paymentView = z.object({
	id: z.uuid(),
	invoiceId: z.uuid(),
	amount: money('Taken'),
	method,
	toCredit: money('Kept as the patient’s credit'),
	change: money('Cash to hand back (tendered − amount)'),
	status,
	balance: money('Still owed after it')
});
export const refundView = z.object({ id: z.uuid(), refundOf: z.uuid(), amount: money('Negative: given back'), status, balance: money('Still owed after it') });
export const creditNoteView = z.object({ id: z.uuid(), number: z.string(), amount: money('Credited'), status, balance: money('Still owed after it') });

const byMethod = z
	.object({ cash: z.number().int(), card: z.number().int(), wallet: z.number().int(), bank: z.number().int(), qr: z.number().int() })
	.meta({ description: 'Per payment method, integer minor units of the clinic currency.' });
export const dayCloseView = z.object({ day: z.string(), expected: byMethod, counted: byMethod, differences: byMethod, reason: z.string() });
export const deskDayView = z.object({
	day: z.string(),
	expected: byMethod,
	closed: z.object({ counted: byMethod, differences: byMethod, reason: z.string(), at: z.string() }).nullable()
});

export const doctorShareView = z.object({
	doctorId: z.uuid(),
	category,
	percent: z.number().int().nullable(),
	amount: money('Fixed share per unit').nullable(),
	effectiveFrom: z.string()
});
export const doctorSharesView = z.object({ doctorId: z.uuid(), shares: z.array(doctorShareView) });
const share = z.object({ amount: money('Paid, before tax'), share: money('The doctor’s share') });
export const earningsView = z.object({
	doctorId: z.uuid(),
	month: z.string(),
	lines: z.array(
		z.object({
			invoiceId: z.uuid(),
			number: z.string().nullable(),
			visitId: z.uuid().nullable(),
			day: z.string(),
			category,
			description: z.string(),
			quantity: z.number().int(),
			amount: money('Paid for the line, before tax'),
			share: money('The doctor’s share of it')
		})
	),
	byCategory: z.object({ consultation: share, procedure: share, lab: share, medicine: share, other: share }),
	total: money('The month’s earnings')
});

export const paymentSettingsView = z.object({
	settings: z
		.object({
			merchantName: z.string(),
			merchantCity: z.string(),
			account: z.string(),
			accountScheme: z
				.string()
				.meta({ description: 'The payment scheme’s identifier (EMVCo merchant account template, sub-tag 00); empty when none was given.' }),
			upiVpa: z.string().nullable(),
			updatedAt: z.string()
		})
		.nullable()
		.meta({ description: 'Null until an admin sets the payee.' })
});
export const paymentQrView = z.object({
	invoiceId: z.uuid(),
	number: z.string(),
	amount: money('What is still owed, the amount in the codes'),
	emv: z
		.string()
		.meta({ description: 'An EMVCo merchant-presented payload (dynamic, with the amount and the invoice number as bill number), closed by its CRC-16.' }),
	upi: z.string().nullable().meta({ description: 'A `upi://pay` link, for clinics billing in rupees with a UPI payee; null otherwise.' })
});

const amountOf = (description: string) => money(description);
export const revenueView = z.object({
	from: z.string(),
	to: z.string(),
	currency: z.object({ code: z.string(), exponent: z.number().int() }),
	totals: z.object({
		invoices: z.number().int().meta({ description: 'Invoices issued in the period (void ones left out).' }),
		invoiced: amountOf('Their totals'),
		discounts: amountOf('Their discounts'),
		tax: amountOf('Their tax'),
		collected: amountOf('Payments taken in the period, the patient’s credit spent left out'),
		refunded: amountOf('Refunds given in the period'),
		credited: amountOf('Credit notes made in the period'),
		outstanding: amountOf('Owed today on every issued invoice')
	}),
	byDay: z.array(z.object({ day: z.string(), invoiced: amountOf('Issued that day'), collected: amountOf('Taken that day, refunds subtracted') })),
	byDoctor: z.array(z.object({ doctorId: z.uuid(), name: z.string(), amount: amountOf('Lines of the doctor’s visits and services, before tax') })),
	byCategory: z.array(z.object({ category, amount: amountOf('Lines of the kind, before tax') })),
	byMethod: z.array(z.object({ method, amount: amountOf('Taken by the method, refunds subtracted') })),
	outstandingByAge: z.array(z.object({ bucket: z.enum(['0-30', '31-60', '61-90', '90+']), count: z.number().int(), amount: amountOf('Owed') }))
});

const codeParameter: Parameter = pathParameter('code', 'The clinic code, e.g. `SHF01`.', jsonSchemaOf(clinicCode, 'input'));
const invoiceParameter: Parameter = pathParameter('id', 'The invoice’s id.', { type: 'string', format: 'uuid' });
const paymentParameter: Parameter = pathParameter('id', 'The payment’s id.', { type: 'string', format: 'uuid' });
const tags = ['billing'];
const readErrors = errors('Unauthenticated', 'NotFound', 'Forbidden');
const commandErrors = errors(...bodyErrors, 'Unauthenticated', 'NotFound', 'Forbidden', 'Conflict');
const desk = 'Reception and admins.';
const admins = 'Admins only.';

/** Services and prices, invoices, payments, refunds and credit notes. */
export const billingApi: ApiContribution = {
	tag: {
		name: 'billing',
		description:
			'What a patient owes and paid. Amounts are integer minor units of the clinic currency. An issued invoice never changes: payments, refunds (negative payments) and credit notes are new entries, and no interleaving collects more than is owed.'
	},
	schemas: {
		Service: jsonSchemaOf(serviceView, 'output'),
		Services: jsonSchemaOf(servicesView, 'output'),
		Invoice: jsonSchemaOf(invoiceView, 'output'),
		Invoices: jsonSchemaOf(invoicesView, 'output'),
		IssuedInvoice: jsonSchemaOf(issuedView, 'output'),
		VoidedInvoice: jsonSchemaOf(voidedView, 'output'),
		Payment: jsonSchemaOf(paymentView, 'output'),
		Refund: jsonSchemaOf(refundView, 'output'),
		CreditNote: jsonSchemaOf(creditNoteView, 'output'),
		DayClose: jsonSchemaOf(dayCloseView, 'output'),
		DeskDay: jsonSchemaOf(deskDayView, 'output'),
		DoctorShare: jsonSchemaOf(doctorShareView, 'output'),
		DoctorShares: jsonSchemaOf(doctorSharesView, 'output'),
		Earnings: jsonSchemaOf(earningsView, 'output'),
		PaymentSettings: jsonSchemaOf(paymentSettingsView, 'output'),
		PaymentQr: jsonSchemaOf(paymentQrView, 'output'),
		RevenueReport: jsonSchemaOf(revenueView, 'output')
	},
	paths: {
		'/clinics/{code}/services': {
			parameters: [codeParameter],
			get: {
				operationId: 'listServices',
				summary: 'The price list',
				description: 'Staff who bill or explain a bill (reception, doctors, pharmacists, admins). Each service at its price today.',
				tags,
				responses: { '200': jsonResponse('The services.', 'Services'), ...readErrors }
			},
			post: idempotent(
				{
					operationId: 'createService',
					summary: 'Add a billable service with its price',
					description: `${admins} The price applies from \`effectiveFrom\` (today by default); a consultation may name its doctor and visit type. A name already in the list is 409 \`service_name_taken\`.`,
					tags,
					requestBody: jsonRequest(serviceInput),
					responses: { '201': jsonResponse('Added.', 'Service'), ...commandErrors }
				},
				{ required: false }
			)
		},
		'/clinics/{code}/invoices': {
			parameters: [codeParameter],
			get: {
				operationId: 'listInvoices',
				summary: 'Invoices, newest first',
				description: `${desk} At most 500, filtered by visit, patient or status.`,
				tags,
				parameters: [
					{ name: 'visitId', in: 'query', description: 'One visit’s invoices.', schema: { type: 'string', format: 'uuid' } },
					{ name: 'patientId', in: 'query', description: 'One patient’s invoices.', schema: { type: 'string', format: 'uuid' } },
					{ name: 'status', in: 'query', description: 'One status.', schema: { type: 'string', enum: [...INVOICE_STATUSES] } }
				],
				responses: { '200': jsonResponse('The invoices.', 'Invoices'), ...errors('BadRequest', 'Unauthenticated', 'NotFound', 'Forbidden') }
			},
			post: idempotent(
				{
					operationId: 'createInvoice',
					summary: 'Build a draft invoice',
					description:
						`${desk} Lines name a service (at its price today unless \`unitPrice\` is given) or describe themselves with a price; a discount is an amount or a percentage (basis points) with its reason (400 \`discount_exceeds\` above the line). ` +
						'Each line is taxed by the clinic’s rule for its category. A service without a price is 400 `service_unpriced`.',
					tags,
					requestBody: jsonRequest(invoiceInput),
					responses: { '201': jsonResponse('The draft.', 'Invoice'), ...commandErrors }
				},
				{ required: true }
			)
		},
		'/clinics/{code}/invoices/{id}': {
			parameters: [codeParameter, invoiceParameter],
			get: {
				operationId: 'getInvoice',
				summary: 'An invoice with its lines, payments, refunds and credit notes',
				description: desk,
				tags,
				responses: { '200': jsonResponse('The invoice.', 'Invoice'), ...readErrors }
			}
		},
		'/clinics/{code}/invoices/{id}/pdf': {
			parameters: [codeParameter, invoiceParameter],
			get: {
				operationId: 'invoicePdf',
				summary: 'The invoice as a printable PDF',
				description: `${desk} A4, its labels in English and Urdu side by side, the clinic’s tax number and a QR code of the invoice number; a draft prints as a draft.`,
				tags,
				responses: { '200': { description: 'The PDF.', content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } }, ...readErrors }
			}
		},
		'/clinics/{code}/invoices/{id}/payment-qr': {
			parameters: [codeParameter, invoiceParameter],
			get: {
				operationId: 'invoicePaymentQr',
				summary: 'The payment QR payloads for what an invoice still owes',
				description: `${desk} 409 \`payee_not_configured\` until an admin sets the payment settings; 409 \`invoice_state\` for a draft, a void invoice or one with nothing left to pay.`,
				tags,
				responses: { '200': jsonResponse('The payloads.', 'PaymentQr'), ...errors('Unauthenticated', 'NotFound', 'Forbidden', 'Conflict') }
			}
		},
		'/clinics/{code}/invoices/{id}/payment-qr.svg': {
			parameters: [codeParameter, invoiceParameter],
			get: {
				operationId: 'invoicePaymentQrSvg',
				summary: 'The payment QR as an SVG image',
				description: `${desk} The EMVCo code, or with \`kind=upi\` the UPI link (409 \`payee_not_configured\` where there is none); the same refusals as the payloads.`,
				tags,
				parameters: [
					{ name: 'kind', in: 'query', description: 'Which code (EMVCo by default).', schema: { type: 'string', enum: ['emv', 'upi'] } },
					{
						name: 'v',
						in: 'query',
						description: 'Ignored: a screen changes it with the balance so that no cached code is shown.',
						schema: { type: 'string', maxLength: 40 }
					}
				],
				responses: {
					'200': { description: 'The image.', content: { 'image/svg+xml': { schema: { type: 'string', format: 'binary' } } } },
					...errors('BadRequest', 'Unauthenticated', 'NotFound', 'Forbidden', 'Conflict')
				}
			}
		},
		'/clinics/{code}/invoices/{id}/payment-qr.png': {
			parameters: [codeParameter, invoiceParameter],
			get: {
				operationId: 'invoicePaymentQrPng',
				summary: 'The payment QR as a PNG image',
				description: `${desk} The EMVCo code, or with \`kind=upi\` the UPI link (409 \`payee_not_configured\` where there is none); the same refusals as the payloads.`,
				tags,
				parameters: [
					{ name: 'kind', in: 'query', description: 'Which code (EMVCo by default).', schema: { type: 'string', enum: ['emv', 'upi'] } },
					{
						name: 'v',
						in: 'query',
						description: 'Ignored: a screen changes it with the balance so that no cached code is shown.',
						schema: { type: 'string', maxLength: 40 }
					}
				],
				responses: {
					'200': { description: 'The image.', content: { 'image/png': { schema: { type: 'string', format: 'binary' } } } },
					...errors('BadRequest', 'Unauthenticated', 'NotFound', 'Forbidden', 'Conflict')
				}
			}
		},
		'/clinics/{code}/payment-settings': {
			parameters: [codeParameter],
			get: {
				operationId: 'getPaymentSettings',
				summary: 'Who the clinic’s payment QR codes pay',
				description: `${desk}`,
				tags,
				responses: { '200': jsonResponse('The payee.', 'PaymentSettings'), ...readErrors }
			},
			put: {
				operationId: 'setPaymentSettings',
				summary: 'Set who payment QR codes pay',
				description: `${admins} Name (at most 25) and city (at most 15) in Latin letters, as banking apps show them (400 \`latin_text\`); the account as the bank writes it (\`payment_account_invalid\`); a UPI VPA for clinics billing in rupees (\`upi_vpa_invalid\`).`,
				tags,
				requestBody: jsonRequest(paymentSettingsInput),
				responses: { '200': jsonResponse('Set.', 'PaymentSettings'), ...errors(...bodyErrors, 'Unauthenticated', 'NotFound', 'Forbidden') }
			}
		},
		'/clinics/{code}/invoices/{id}/issue': {
			parameters: [codeParameter, invoiceParameter],
			post: idempotent(
				{
					operationId: 'issueInvoice',
					summary: 'Issue a draft: it gets its number and never changes again',
					description: `${desk} Numbers are gapless per clinic and fiscal year. Anything but a draft with lines is 409 \`invoice_state\`.`,
					tags,
					requestBody: { ...jsonRequest(keyOnlyInput), required: false },
					responses: { '200': jsonResponse('Issued.', 'IssuedInvoice'), ...commandErrors }
				},
				{ required: true }
			)
		},
		'/clinics/{code}/invoices/{id}/payments': {
			parameters: [codeParameter, invoiceParameter],
			post: idempotent(
				{
					operationId: 'recordPayment',
					summary: 'Take a payment on an issued invoice',
					description:
						`${desk} Cash (with \`tendered\` for the change), card, wallet, bank, QR, or the patient’s credit. More than is owed when it commits is 409 \`exceeds_balance\` ` +
						'(with `params.balance`), unless `keepExcessAsCredit` keeps the excess as the patient’s credit; more credit than the patient has is 409 `credit_exceeds`. A draft or void invoice is 409 `invoice_state`.',
					tags,
					requestBody: jsonRequest(paymentInput),
					responses: { '201': jsonResponse('Taken.', 'Payment'), ...commandErrors }
				},
				{ required: true }
			)
		},
		'/clinics/{code}/payments/{id}/refund': {
			parameters: [codeParameter, paymentParameter],
			post: idempotent(
				{
					operationId: 'refundPayment',
					summary: 'Give back part or all of a payment',
					description: `${admins} A negative payment referencing the original, never more than is left of it (409 \`refund_exceeds\`).`,
					tags,
					requestBody: jsonRequest(refundInput),
					responses: { '201': jsonResponse('Refunded.', 'Refund'), ...commandErrors }
				},
				{ required: true }
			)
		},
		'/clinics/{code}/invoices/{id}/void': {
			parameters: [codeParameter, invoiceParameter],
			post: idempotent(
				{
					operationId: 'voidInvoice',
					summary: 'Void an invoice',
					description: `${admins} A draft is discarded; an issued invoice keeps its number. With money still on it: 409 \`invoice_state\` (refund first).`,
					tags,
					requestBody: jsonRequest(voidInput),
					responses: { '200': jsonResponse('Void.', 'VoidedInvoice'), ...commandErrors }
				},
				{ required: true }
			)
		},
		'/clinics/{code}/reports/revenue': {
			parameters: [codeParameter],
			get: {
				operationId: 'getRevenueReport',
				summary: 'Revenue in a period: invoiced, collected, by day, doctor, kind of service and method; outstanding by age',
				description: `${admins} Invoices count on the day they were issued, payments and refunds on the day they were taken.`,
				tags,
				parameters: [
					{ name: 'from', in: 'query', required: true, description: 'The first clinic day.', schema: { type: 'string', format: 'date' } },
					{
						name: 'to',
						in: 'query',
						required: true,
						description: 'The last clinic day (at most 366 days after `from`).',
						schema: { type: 'string', format: 'date' }
					}
				],
				responses: { '200': jsonResponse('The report.', 'RevenueReport'), ...errors('BadRequest', 'Unauthenticated', 'NotFound', 'Forbidden') }
			}
		},
		'/clinics/{code}/reports/revenue.csv': {
			parameters: [codeParameter],
			get: {
				operationId: 'getRevenueReportCsv',
				summary: 'The revenue report as CSV',
				description: `${admins} One row per figure: \`section\`, \`key\`, \`label\`, the amount in major units, \`count\`.`,
				tags,
				parameters: [
					{ name: 'from', in: 'query', required: true, description: 'The first clinic day.', schema: { type: 'string', format: 'date' } },
					{
						name: 'to',
						in: 'query',
						required: true,
						description: 'The last clinic day (at most 366 days after `from`).',
						schema: { type: 'string', format: 'date' }
					}
				],
				responses: {
					'200': { description: 'The CSV.', content: { 'text/csv': { schema: { type: 'string' } } } },
					...errors('BadRequest', 'Unauthenticated', 'NotFound', 'Forbidden')
				}
			}
		},
		'/clinics/{code}/reports/revenue.pdf': {
			parameters: [codeParameter],
			get: {
				operationId: 'getRevenueReportPdf',
				summary: 'The revenue report as a printable PDF',
				description: `${admins} A4, labels in English and Urdu side by side, the bars of invoiced and collected with their figures.`,
				tags,
				parameters: [
					{ name: 'from', in: 'query', required: true, description: 'The first clinic day.', schema: { type: 'string', format: 'date' } },
					{
						name: 'to',
						in: 'query',
						required: true,
						description: 'The last clinic day (at most 366 days after `from`).',
						schema: { type: 'string', format: 'date' }
					}
				],
				responses: {
					'200': { description: 'The PDF.', content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } },
					...errors('BadRequest', 'Unauthenticated', 'NotFound', 'Forbidden')
				}
			}
		},
		'/clinics/{code}/day-close': {
			parameters: [codeParameter],
			get: {
				operationId: 'getDeskDay',
				summary: 'The caller’s day at the desk: what their payments took per method, and its close',
				description: `${desk} Refunds subtract; payments from the patient’s credit move no money and are left out.`,
				tags,
				parameters: [{ name: 'day', in: 'query', description: 'A clinic day (today by default).', schema: { type: 'string', format: 'date' } }],
				responses: { '200': jsonResponse('The day.', 'DeskDay'), ...errors('BadRequest', 'Unauthenticated', 'NotFound', 'Forbidden') }
			},
			post: idempotent(
				{
					operationId: 'closeDay',
					summary: 'Close the caller’s day: counted against expected, per method',
					description: `${desk} Any difference needs a reason (400 \`field_required\` on \`reason\`); once per desk and day (409 \`day_closed\`).`,
					tags,
					requestBody: jsonRequest(dayCloseInput),
					responses: { '201': jsonResponse('Closed.', 'DayClose'), ...commandErrors }
				},
				{ required: true }
			)
		},
		'/clinics/{code}/doctor-shares': {
			parameters: [codeParameter],
			get: {
				operationId: 'listDoctorShares',
				summary: 'A doctor’s share rules',
				description:
					'Doctors see their own (the default), admins anyone’s. Newest first per category; the first of a category on or before a day applies on it.',
				tags,
				parameters: [{ name: 'doctorId', in: 'query', description: 'The doctor (the caller by default).', schema: { type: 'string', format: 'uuid' } }],
				responses: { '200': jsonResponse('The rules.', 'DoctorShares'), ...errors('BadRequest', 'Unauthenticated', 'NotFound', 'Forbidden') }
			},
			post: idempotent(
				{
					operationId: 'setDoctorShare',
					summary: 'Set a doctor’s share of a category of service, from a day',
					description: `${admins} A whole \`percent\` of each paid line before tax, or a fixed \`amount\` per unit; the latest rule on or before an invoice’s day applies, and a second rule for the same day replaces the first.`,
					tags,
					requestBody: jsonRequest(doctorShareInput),
					responses: { '201': jsonResponse('Set.', 'DoctorShare'), ...commandErrors }
				},
				{ required: false }
			)
		},
		'/clinics/{code}/earnings': {
			parameters: [codeParameter],
			get: {
				operationId: 'getEarnings',
				summary: 'A doctor’s earnings for a month',
				description:
					'Doctors see their own (the default), admins anyone’s. From the paid invoices issued in the month: the lines of the doctor’s visits and own services, the part paid (credit notes earn nothing), and the share per category.',
				tags,
				parameters: [
					{
						name: 'month',
						in: 'query',
						required: true,
						description: '`YYYY-MM`, in the clinic’s days.',
						schema: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$' }
					},
					{ name: 'doctorId', in: 'query', description: 'The doctor (the caller by default).', schema: { type: 'string', format: 'uuid' } }
				],
				responses: { '200': jsonResponse('The earnings.', 'Earnings'), ...errors('BadRequest', 'Unauthenticated', 'NotFound', 'Forbidden') }
			}
		},
		'/clinics/{code}/invoices/{id}/credit-notes': {
			parameters: [codeParameter, invoiceParameter],
			post: idempotent(
				{
					operationId: 'createCreditNote',
					summary: 'Credit part of an issued invoice',
					description: `${admins} Numbered in its own gapless sequence (\`ABC01-CN-2026-000001\`); never more than is still owed (409 \`credit_exceeds\`).`,
					tags,
					requestBody: jsonRequest(creditNoteInput),
					responses: { '201': jsonResponse('Credited.', 'CreditNote'), ...commandErrors }
				},
				{ required: true }
			)
		}
	}
};
