import { beforeAll, describe, expect, it } from 'vitest';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { eq } from 'drizzle-orm';
import { testDatabase } from '../db';
import { ctxOf, key, makePatient } from './queueScene';
import { failure } from '../pharmacyScene';
import { makeClinic, makeMember } from '../factories';
import { paymentSettings } from '../../src/lib/server/db/schema';
import { createInvoice, issueInvoice } from '../../src/lib/server/billing/invoices';
import { recordPayment } from '../../src/lib/server/billing/payments';
import { getPaymentSettings, invoicePaymentQr, invoicePaymentQrText, qrPng, qrSvg, setPaymentSettings } from '../../src/lib/server/billing/paymentQr';
import type { Database, Db } from '../../src/lib/server/db';

/*
 * Payment QR codes: refused until an admin sets the payee, then an EMVCo payload for what is
 * still owed, drawn as an image that an independent decoder (jsQR) reads back field by field,
 * with a CRC recomputed here from the catalogue definition, not with the code under test.
 */

let database: Database;
beforeAll(async () => {
	database = await testDatabase();
});

async function scene(db: Db, currency = 'PKR', country = 'PK') {
	const home = await makeClinic(db, { currency, country });
	const [adminUser, deskUser, doctorUser, pharmacistUser] = await Promise.all([
		makeMember(db, home.id, 'admin'),
		makeMember(db, home.id, 'reception'),
		makeMember(db, home.id, 'doctor'),
		makeMember(db, home.id, 'pharmacist')
	]);
	const patient = await makePatient(db, home.id);
	return {
		home,
		patient,
		admin: ctxOf(home.id, adminUser.id, 'admin'),
		desk: ctxOf(home.id, deskUser.id, 'reception'),
		doctor: ctxOf(home.id, doctorUser.id, 'doctor'),
		pharmacist: ctxOf(home.id, pharmacistUser.id, 'pharmacist')
	};
}
type Scene = Awaited<ReturnType<typeof scene>>;

async function draftOf(db: Db, s: Scene, price: number) {
	return createInvoice(db, s.desk, {
		patientId: s.patient.id,
		lines: [{ description: 'Dressing', category: 'procedure', quantity: 1, unitPrice: price }],
		idempotencyKey: key()
	});
}

const PAYEE = { merchantName: 'Shifa Clinic', merchantCity: 'Lahore', account: 'PK36 SCBL 0000 0011 2345 6702', accountScheme: 'pk.example.raast' };

/** CRC-16/CCITT-FALSE, bit by bit, written here from its definition (poly 0x1021, init 0xFFFF, no reflection). */
function referenceCrc(text: string): string {
	let crc = 0xffff;
	for (const ch of Buffer.from(text, 'utf8')) {
		for (let i = 7; i >= 0; i--) {
			const bit = ((ch >> i) & 1) ^ ((crc >> 15) & 1);
			crc = (crc << 1) & 0xffff;
			if (bit) crc ^= 0x1021;
		}
	}
	return crc.toString(16).toUpperCase().padStart(4, '0');
}

function fieldsOf(text: string): Record<string, string> {
	const out: Record<string, string> = {};
	for (let at = 0; at < text.length;) {
		const length = Number(text.slice(at + 2, at + 4));
		out[text.slice(at, at + 2)] = text.slice(at + 4, at + 4 + length);
		at += 4 + length;
	}
	return out;
}

function decodePng(bytes: Uint8Array): string | null {
	const image = PNG.sync.read(Buffer.from(bytes));
	return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data ?? null;
}

describe('payment settings', () => {
	it('are set by admins only, read by the desk, and refuse bad input while changing nothing', async () => {
		const db = database.db;
		const s = await scene(db);
		expect(await getPaymentSettings(db, s.desk)).toEqual({ settings: null });
		for (const who of [s.desk, s.doctor, s.pharmacist]) expect(await failure(setPaymentSettings(db, who, PAYEE))).toMatchObject({ status: 403 });
		for (const who of [s.doctor, s.pharmacist]) expect(await failure(getPaymentSettings(db, who))).toMatchObject({ status: 403 });

		const bad: [Record<string, unknown>, string, string][] = [
			[{ ...PAYEE, merchantName: 'شفا کلینک' }, 'merchantName', 'latin_text'],
			[{ ...PAYEE, merchantName: 'A clinic with a name far too long' }, 'merchantName', 'latin_text'],
			[{ ...PAYEE, merchantCity: '' }, 'merchantCity', 'field_required'],
			[{ ...PAYEE, account: 'PK36/SCBL' }, 'account', 'payment_account_invalid'],
			[{ ...PAYEE, account: 'x' }, 'account', 'payment_account_invalid'],
			[{ ...PAYEE, upiVpa: 'no-at-sign' }, 'upiVpa', 'upi_vpa_invalid'],
			[{ ...PAYEE, accountScheme: 'not a guid!' }, 'accountScheme', 'field_invalid']
		];
		for (const [input, field, code] of bad) {
			const refusal = (await failure(setPaymentSettings(db, s.admin, input))) as {
				status: number;
				fields?: { field: string; code: string }[];
				field?: string;
				code?: string;
			};
			expect(refusal.status, JSON.stringify(input)).toBe(400);
			const named = refusal.fields ?? [{ field: refusal.field, code: refusal.code }];
			expect(named, JSON.stringify(input)).toContainEqual(expect.objectContaining({ field, code }));
		}
		expect(await failure(setPaymentSettings(db, s.admin, { ...PAYEE, extra: 1 }))).toMatchObject({ status: 400, code: 'field_invalid' });
		expect(await db.select().from(paymentSettings).where(eq(paymentSettings.clinicId, s.home.id))).toEqual([]);

		const set = await setPaymentSettings(db, s.admin, PAYEE);
		expect(set.settings).toMatchObject({ merchantName: 'Shifa Clinic', account: 'PK36SCBL0000001123456702', accountScheme: 'pk.example.raast', upiVpa: null });
		await setPaymentSettings(db, s.admin, { ...PAYEE, merchantCity: 'Karachi' });
		expect((await getPaymentSettings(db, s.desk)).settings).toMatchObject({ merchantCity: 'Karachi' });
	});
});

describe('an invoice’s payment QR', () => {
	it('is refused with payee_not_configured until the payee is set, then encodes what is still owed; an independent decoder reads every field and the CRC', async () => {
		const db = database.db;
		const s = await scene(db);
		const draft = await draftOf(db, s, 150_050);
		expect(await failure(invoicePaymentQr(db, s.desk, draft.id))).toMatchObject({ status: 409, code: 'invoice_state' });
		const issued = await issueInvoice(db, s.desk, draft.id, { idempotencyKey: key() });
		expect(await failure(invoicePaymentQr(db, s.desk, draft.id))).toMatchObject({ status: 409, code: 'payee_not_configured' });

		await setPaymentSettings(db, s.admin, PAYEE);
		for (const who of [s.doctor, s.pharmacist]) expect(await failure(invoicePaymentQr(db, who, draft.id))).toMatchObject({ status: 403 });
		const qr = await invoicePaymentQr(db, s.desk, draft.id);
		expect(qr).toMatchObject({ number: issued.number, amount: 150_050, upi: null });

		const decoded = decodePng(await qrPng(qr.emv));
		expect(decoded).toBe(qr.emv);
		const fields = fieldsOf(decoded!);
		expect(fields).toEqual({
			'00': '01',
			'01': '12',
			'26': '0016pk.example.raast0124PK36SCBL0000001123456702',
			'52': '8011',
			'53': '586',
			'54': '1500.50',
			'58': 'PK',
			'59': 'Shifa Clinic',
			'60': 'Lahore',
			'62': `01${String(issued.number?.length).padStart(2, '0')}${issued.number}`,
			'63': referenceCrc(decoded!.slice(0, -4))
		});
		expect(decoded!.slice(-8, -4)).toBe('6304');
		expect(await qrSvg(qr.emv)).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);

		// A part paid in cash: the code asks for the rest; paid in full, there is nothing to scan.
		await recordPayment(db, s.desk, draft.id, { amount: 50_050, method: 'cash', idempotencyKey: key() });
		expect(fieldsOf(decodePng(await qrPng((await invoicePaymentQr(db, s.desk, draft.id)).emv))!)['54']).toBe('1000.00');
		await recordPayment(db, s.desk, draft.id, { amount: 100_000, method: 'qr', reference: 'RAAST-778812', idempotencyKey: key() });
		expect(await failure(invoicePaymentQr(db, s.desk, draft.id))).toMatchObject({ status: 409, code: 'invoice_state' });
	});

	it('adds a UPI link for a clinic billing in rupees with a VPA, and refuses the UPI image without one', async () => {
		const db = database.db;
		const s = await scene(db, 'INR', 'IN');
		const draft = await draftOf(db, s, 25_000);
		const issued = await issueInvoice(db, s.desk, draft.id, { idempotencyKey: key() });
		await setPaymentSettings(db, s.admin, { ...PAYEE, merchantCity: 'Pune', account: '1234567890', accountScheme: '' });
		expect(await failure(invoicePaymentQrText(db, s.desk, draft.id, { kind: 'upi' }))).toMatchObject({ status: 409, code: 'payee_not_configured' });
		expect(await failure(invoicePaymentQrText(db, s.desk, draft.id, { kind: 'paypal' }))).toMatchObject({ status: 400 });
		await setPaymentSettings(db, s.admin, { ...PAYEE, merchantCity: 'Pune', account: '1234567890', accountScheme: '', upiVpa: 'shifa@okhdfc' });
		const qr = await invoicePaymentQr(db, s.desk, draft.id);
		expect(fieldsOf(qr.emv)).toMatchObject({ '26': '01101234567890', '53': '356', '54': '250.00', '58': 'IN' });
		const upi = decodePng(await qrPng(await invoicePaymentQrText(db, s.desk, draft.id, { kind: 'upi' })));
		expect(upi).toBe(qr.upi);
		const link = new URL(upi!);
		expect(link.protocol).toBe('upi:');
		expect(Object.fromEntries(link.searchParams)).toMatchObject({ pa: 'shifa@okhdfc', am: '250.00', cu: 'INR', tr: issued.number });
	});

	it('is not found for another clinic’s invoice', async () => {
		const db = database.db;
		const s = await scene(db);
		const other = await scene(db);
		const draft = await draftOf(db, other, 1_000);
		await issueInvoice(db, other.desk, draft.id, { idempotencyKey: key() });
		await setPaymentSettings(db, s.admin, PAYEE);
		expect(await failure(invoicePaymentQr(db, s.desk, draft.id))).toMatchObject({ status: 404 });
	});
});
