/**
 * Payment QR payloads. An EMVCo merchant-presented QR (EMV QRCPS, the format behind Raast,
 * NepalPay, PIX, PromptPay and other national schemes) is a string of TLV fields (two-digit tag,
 * two-digit length, value) closed by tag 63, a CRC-16 over everything before it, "6304" included.
 * A UPI link is the deep link Indian banking apps open (`upi://pay?…`).
 */

/** CRC-16/CCITT-FALSE (polynomial 0x1021, initial 0xFFFF), as EMVCo's tag 63 asks: four upper-case hex digits. */
export function crc16(text: string): string {
	let crc = 0xffff;
	for (const byte of new TextEncoder().encode(text)) {
		crc ^= byte << 8;
		for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
	}
	return crc.toString(16).toUpperCase().padStart(4, '0');
}

/** One field: its tag, its value's length in two digits, its value (at most 99 characters). */
export function tlv(tag: string, value: string): string {
	if (!/^\d{2}$/.test(tag)) throw new Error(`EMV tag ${tag} is not two digits`);
	const length = [...value].length;
	if (length === 0 || length > 99) throw new Error(`EMV field ${tag} must hold 1 to 99 characters`);
	return `${tag}${String(length).padStart(2, '0')}${value}`;
}

/** What an EMVCo payload carries; amounts are written in major units with the currency's decimals. */
export type EmvPayment = {
	merchantName: string;
	merchantCity: string;
	account: string;
	/** The scheme's globally unique identifier for the account (a reverse domain name, AID or UUID), if the bank gave one. */
	accountScheme: string;
	/** ISO 3166-1 alpha-2. */
	country: string;
	/** ISO 4217 numeric, three digits. */
	currencyNumeric: string;
	amount: string;
	/** The invoice number (bill number, tag 62 sub-tag 01). */
	reference: string;
};

/** Doctors and physicians (ISO 18245). */
export const MERCHANT_CATEGORY_DOCTORS = '8011';

/** A dynamic (amount-bearing, single-use) merchant-presented payload, CRC included. */
export function emvPayload(p: EmvPayment): string {
	const account = (p.accountScheme ? tlv('00', p.accountScheme) : '') + tlv('01', p.account);
	const body =
		tlv('00', '01') +
		tlv('01', '12') +
		tlv('26', account) +
		tlv('52', MERCHANT_CATEGORY_DOCTORS) +
		tlv('53', p.currencyNumeric) +
		tlv('54', p.amount) +
		tlv('58', p.country) +
		tlv('59', p.merchantName.slice(0, 25)) +
		tlv('60', p.merchantCity.slice(0, 15)) +
		tlv('62', tlv('01', p.reference.slice(0, 25)));
	const open = `${body}6304`;
	return open + crc16(open);
}

/** A UPI payment link for an amount in rupees (`am` with two decimals) and the invoice as its reference. */
export function upiLink(p: { vpa: string; merchantName: string; amount: string; reference: string }): string {
	const query = new URLSearchParams({ pa: p.vpa, pn: p.merchantName, am: p.amount, cu: 'INR', tr: p.reference, tn: `Invoice ${p.reference}` });
	// URLSearchParams writes spaces as '+'; UPI apps read percent-encoding.
	return `upi://pay?${query.toString().replaceAll('+', '%20')}`;
}
