import QRCode from 'qrcode';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { clinic, invoice, paymentSettings } from '../db/schema';
import type { Db, Tx } from '../db';
import { runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { AppError, forbidden, notFound } from '../errors';
import { withFieldCode } from '../fieldCodes';
import { parseInput } from '../validation';
import type { ClinicContext } from '../tenancy/context';
import { currencyOf, formatMajorAmount } from '../tenancy/money';
import { ISO_4217_NUMERIC } from '../../data/iso4217';
import { balanceOf } from './amounts';
import { invoiceState } from './invoices';
import { can } from './policy';
import { emvPayload, upiLink } from './emv';

type Reader = Db | Tx;

/** Printable ASCII: EMVCo's name and city fields are shown by banking apps in Latin letters only. */
const latin = (max: number) =>
	withFieldCode(
		z
			.string()
			.trim()
			.min(1)
			.max(max)
			.regex(/^[\x20-\x7E]+$/),
		'latin_text',
		{ max }
	);

/** `PUT …/payment-settings`: who the clinic's payment QR codes pay. */
export const paymentSettingsInput = z.strictObject({
	merchantName: latin(25),
	merchantCity: latin(15),
	/** An IBAN, Raast ID, wallet or account number: letters, digits and `@ . - _ +`, as the bank writes it. */
	account: withFieldCode(
		z
			.string()
			.trim()
			.transform((v) => v.replace(/\s+/g, ''))
			.pipe(z.string().regex(/^[A-Za-z0-9@.\-_+]{3,60}$/)),
		'payment_account_invalid'
	),
	/** The scheme's identifier from the bank (a reverse domain name such as `com.example.pay`, an AID or a UUID without dashes). */
	accountScheme: withFieldCode(
		z
			.string()
			.trim()
			.regex(/^[A-Za-z0-9.-]{0,32}$/),
		'field_invalid'
	).default(''),
	/** A UPI virtual payment address (`name@bank`), for clinics billing in rupees; '' removes it. */
	upiVpa: withFieldCode(
		z
			.string()
			.trim()
			.regex(/^$|^[A-Za-z0-9.\-_]{2,256}@[A-Za-z]{2,64}$/),
		'upi_vpa_invalid'
	).default('')
});

const present = (row: typeof paymentSettings.$inferSelect) => ({
	merchantName: row.merchantName,
	merchantCity: row.merchantCity,
	account: row.account,
	accountScheme: row.accountScheme,
	upiVpa: row.upiVpa || null,
	updatedAt: row.updatedAt.toISOString()
});

/** `GET …/payment-settings`: the payee, or null before an admin has set one. */
export async function getPaymentSettings(db: Reader, ctx: ClinicContext) {
	if (!can(ctx.actor, 'payee.view')) throw forbidden();
	const [row] = await db.select().from(paymentSettings).where(eq(paymentSettings.clinicId, ctx.clinicId));
	return { settings: row ? present(row) : null };
}

/** `PUT …/payment-settings` (admins): replaces the payee; the next QR shown uses it. */
export async function setPaymentSettings(db: Db, ctx: ClinicContext, input: unknown) {
	if (!can(ctx.actor, 'payee.manage')) throw forbidden();
	const data = parseInput(paymentSettingsInput, input);
	return runCommand(db, null, async (tx) => {
		const values = { ...data, updatedBy: ctx.actor.userId, updatedAt: new Date() };
		const [row] = await tx
			.insert(paymentSettings)
			.values({ clinicId: ctx.clinicId, ...values })
			.onConflictDoUpdate({ target: paymentSettings.clinicId, set: values })
			.returning();
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'payment_settings.set',
			entityType: 'clinic',
			entityId: ctx.clinicId,
			data
		});
		return { settings: present(row) };
	});
}

/**
 * `GET …/invoices/{id}/payment-qr`: the payloads a banking app reads to pay what an issued
 * invoice still owes: EMVCo always, a UPI link too where the clinic bills in rupees and has a VPA.
 * 409 `payee_not_configured` before an admin has set the payee; 409 `invoice_state` for a draft,
 * a void invoice or one with nothing left to pay.
 */
export async function invoicePaymentQr(db: Reader, ctx: ClinicContext, id: string) {
	if (!can(ctx.actor, 'payee.view')) throw forbidden();
	const [row] = await db
		.select({ invoice, clinic: { country: clinic.country, currency: clinic.currency, currencyExponent: clinic.currencyExponent } })
		.from(invoice)
		.innerJoin(clinic, eq(clinic.id, invoice.clinicId))
		.where(and(eq(invoice.clinicId, ctx.clinicId), eq(invoice.id, id)));
	if (!row) throw notFound('No such invoice');
	const owed = balanceOf(row.invoice);
	if (!row.invoice.number || (row.invoice.status !== 'issued' && row.invoice.status !== 'partly_paid') || owed <= 0)
		throw invoiceState('Only an issued invoice with something still to pay has a payment QR');
	const [payee] = await db.select().from(paymentSettings).where(eq(paymentSettings.clinicId, ctx.clinicId));
	if (!payee) throw new AppError('payee_not_configured', 409, 'An admin sets who payments go to (payment settings) before a payment QR can be shown');
	const currency = currencyOf(row.clinic);
	// Major units with the currency's decimals and a point, no grouping: what EMVCo and UPI read.
	const amount = formatMajorAmount(owed, currency);
	const reference = row.invoice.number;
	const emv = emvPayload({
		merchantName: payee.merchantName,
		merchantCity: payee.merchantCity,
		account: payee.account,
		accountScheme: payee.accountScheme,
		country: row.clinic.country,
		currencyNumeric: ISO_4217_NUMERIC[currency.code],
		amount,
		reference
	});
	const upi = payee.upiVpa && currency.code === 'INR' ? upiLink({ vpa: payee.upiVpa, merchantName: payee.merchantName, amount, reference }) : null;
	return { invoiceId: row.invoice.id, number: reference, amount: owed, emv, upi };
}

/** `v` is free for the screen to change when the balance does, so a browser never shows a cached code for an old amount. */
const imageQuery = z.strictObject({ kind: z.enum(['emv', 'upi']).default('emv'), v: z.string().max(40).optional() });

/**
 * What `GET …/invoices/{id}/payment-qr.svg|.png?kind=emv|upi` draws: the EMVCo payload, or the
 * UPI link (409 `payee_not_configured` where the clinic has none).
 */
export async function invoicePaymentQrText(db: Reader, ctx: ClinicContext, id: string, query: unknown): Promise<string> {
	const { kind } = parseInput(imageQuery, query);
	const qr = await invoicePaymentQr(db, ctx, id);
	const text = kind === 'upi' ? qr.upi : qr.emv;
	if (!text) throw new AppError('payee_not_configured', 409, 'The clinic has no UPI payee (a VPA, billing in rupees)', 'kind');
	return text;
}

/** Error correction M and a quiet zone of four modules, as payment schemes print their codes. */
const drawing = { errorCorrectionLevel: 'M', margin: 4 } as const;

export const qrSvg = (text: string): Promise<string> => QRCode.toString(text, { ...drawing, type: 'svg' });
export const qrPng = async (text: string): Promise<Uint8Array<ArrayBuffer>> =>
	new Uint8Array(await QRCode.toBuffer(text, { ...drawing, type: 'png', width: 480 }));
