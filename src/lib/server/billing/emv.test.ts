import { describe, expect, it } from 'vitest';
import { crc16, emvPayload, tlv, upiLink } from './emv';

/** Reads a TLV string back into its fields, failing on anything malformed. */
function readTlv(text: string): Map<string, string> {
	const fields = new Map<string, string>();
	let at = 0;
	while (at < text.length) {
		const tag = text.slice(at, at + 2);
		const length = Number(text.slice(at + 2, at + 4));
		expect(Number.isInteger(length)).toBe(true);
		fields.set(tag, text.slice(at + 4, at + 4 + length));
		at += 4 + length;
	}
	expect(at).toBe(text.length);
	return fields;
}

describe('crc16', () => {
	it('is CRC-16/CCITT-FALSE: the catalogue check value of "123456789" is 29B1', () => {
		expect(crc16('123456789')).toBe('29B1');
	});

	it('matches a published EMVCo payload (Geopagos documentation, "EMVCo QR tramma")', () => {
		const published =
			'00020101021141440019ar.com.globalgetnet98113069226478599020130230019ar.com.globalgetnet50150011202222222235126002200001744000000000324675204000853030325802AR5908Prueba 16007Palermo6104100262170513659c1867a006563045B0A';
		expect(crc16(published.slice(0, -4))).toBe(published.slice(-4));
	});
});

describe('emvPayload', () => {
	const payment = {
		merchantName: 'Shifa Family Clinic and Diagnostics',
		merchantCity: 'Lahore Cantonment',
		account: 'PK36SCBL0000001123456702',
		accountScheme: 'pk.raast',
		country: 'PK',
		currencyNumeric: '586',
		amount: '1500.00',
		reference: 'ABC01-INV-2026-000123'
	};

	it('lays out every field of a dynamic merchant-presented QR, closed by its CRC', () => {
		const payload = emvPayload(payment);
		const fields = readTlv(payload);
		expect(Object.fromEntries(fields)).toEqual({
			'00': '01',
			'01': '12',
			'26': '0008pk.raast0124PK36SCBL0000001123456702',
			'52': '8011',
			'53': '586',
			'54': '1500.00',
			'58': 'PK',
			'59': 'Shifa Family Clinic and D',
			'60': 'Lahore Cantonme',
			'62': '0121ABC01-INV-2026-000123',
			'63': crc16(payload.slice(0, -4))
		});
		expect(payload.endsWith(`6304${fields.get('63')}`)).toBe(true);
	});

	it('leaves the scheme out of the account template when the bank gave none', () => {
		expect(readTlv(emvPayload({ ...payment, accountScheme: '' })).get('26')).toBe('0124PK36SCBL0000001123456702');
	});

	it('refuses a field it cannot encode', () => {
		expect(() => tlv('5', 'x')).toThrow();
		expect(() => tlv('59', '')).toThrow();
		expect(() => tlv('26', 'x'.repeat(100))).toThrow();
	});
});

describe('upiLink', () => {
	it('is a upi://pay link with the payee, amount in rupees and the invoice as reference', () => {
		const link = upiLink({ vpa: 'clinic@okhdfc', merchantName: 'Asha Clinic', amount: '250.00', reference: 'ASH01-INV-2026-000007' });
		expect(link.startsWith('upi://pay?')).toBe(true);
		const query = new URLSearchParams(link.slice('upi://pay?'.length));
		expect(Object.fromEntries(query)).toEqual({
			pa: 'clinic@okhdfc',
			pn: 'Asha Clinic',
			am: '250.00',
			cu: 'INR',
			tr: 'ASH01-INV-2026-000007',
			tn: 'Invoice ASH01-INV-2026-000007'
		});
		expect(link).not.toContain('+');
	});
});
