import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, expectError, signedIn, startApp, type ApiClient, type App } from './http';
import { PASSWORD, makeClinic, makeMember, rand } from '../factories';
import { makePatient } from './queueScene';
import {
	creditNoteView,
	invoiceView,
	invoicesView,
	issuedView,
	paymentView,
	refundView,
	serviceView,
	servicesView,
	paymentQrView,
	paymentSettingsView
} from '../../src/lib/server/openapi/billing';

/** The billing API over HTTP: the contract's paths, fields and error codes, its refusals, and a race of two desks. */

let app: App;
let code: string;
let patientId: string;
let desk: ApiClient, secondDesk: ApiClient, urduDesk: ApiClient, admin: ApiClient, doctor: ApiClient, pharmacist: ApiClient, outsider: ApiClient;
const api = (path: string) => `/api/v1/clinics/${code}${path}`;

beforeAll(async () => {
	const people: Record<string, { email: string }> = {};
	app = await startApp({
		seed: async (db) => {
			const home = await makeClinic(db);
			const other = await makeClinic(db);
			code = home.code;
			patientId = (await makePatient(db, home.id)).id;
			Object.assign(people, {
				desk: await makeMember(db, home.id, 'reception'),
				secondDesk: await makeMember(db, home.id, 'reception'),
				admin: await makeMember(db, home.id, 'admin'),
				doctor: await makeMember(db, home.id, 'doctor'),
				pharmacist: await makeMember(db, home.id, 'pharmacist'),
				outsider: await makeMember(db, other.id, 'admin')
			});
		}
	});
	[desk, secondDesk, admin, doctor, pharmacist, outsider] = await Promise.all(
		['desk', 'secondDesk', 'admin', 'doctor', 'pharmacist', 'outsider'].map((k) => signedIn(app, people[k].email, PASSWORD))
	);
	urduDesk = await signedIn(app, people.desk.email, PASSWORD, { 'accept-language': 'ur' });
});
afterAll(async () => {
	await app?.stop();
});

async function issuedInvoice(price: number) {
	const made = await desk.post(api('/invoices'), {
		patientId,
		lines: [{ description: 'Dressing', category: 'procedure', quantity: 1, unitPrice: price }],
		idempotencyKey: rand(8)
	});
	expect(made.status).toBe(201);
	const id = invoiceView.parse(made.body).id;
	expect((await desk.post(api(`/invoices/${id}/issue`), { idempotencyKey: rand(8) })).status).toBe(200);
	return id;
}

describe('billing over HTTP', () => {
	it('an admin prices a service; the desk invoices it, issues, takes cash with change and a card; an admin refunds and credits', async () => {
		const service = await admin.post(api('/services'), { name: `Consultation ${rand(4)}`, category: 'consultation', price: 200_000 });
		expect(service.status).toBe(201);
		const { id: serviceId, price } = serviceView.parse(service.body);
		expect(price).toBe(200_000);
		expect(servicesView.parse((await doctor.get(api('/services'))).body).services.map((s) => s.id)).toContain(serviceId);
		expectError(await desk.post(api('/services'), { name: 'X-ray', category: 'procedure', price: 1 }), 403, 'forbidden');

		const draft = await desk.post(api('/invoices'), {
			patientId,
			lines: [
				{ serviceId, quantity: 1, discount: { percent: 10, reason: 'Referral' } },
				{ description: 'Dressing pack', category: 'procedure', quantity: 2, unitPrice: 15_000 }
			],
			idempotencyKey: rand(8)
		});
		expect(draft.status).toBe(201);
		const invoice = invoiceView.parse(draft.body);
		expect(invoice).toMatchObject({ status: 'draft', number: null, total: 210_000, discount: 20_000 });

		const issued = issuedView.parse((await desk.post(api(`/invoices/${invoice.id}/issue`), { idempotencyKey: rand(8) })).body);
		expect(issued).toMatchObject({ status: 'issued', total: 210_000, balance: 210_000 });
		expect(issued.number).toMatch(new RegExp(`^${code}-INV-\\d{4}-000001$`));
		// Too much, in Urdu: the desk hears how much is owed.
		const tooMuch = await urduDesk.post(api(`/invoices/${invoice.id}/payments`), { amount: 300_000, method: 'cash', idempotencyKey: rand(8) });
		expectError(tooMuch, 409, 'exceeds_balance', 'amount');
		expect((tooMuch.body as { error: { message: string } }).error.message).toMatch(/[\u0600-\u06FF]/);

		const cash = paymentView.parse(
			(await desk.post(api(`/invoices/${invoice.id}/payments`), { amount: 100_000, method: 'cash', tendered: 150_000, idempotencyKey: rand(8) })).body
		);
		expect(cash).toMatchObject({ change: 50_000, status: 'partly_paid', balance: 110_000 });
		const card = paymentView.parse(
			(await desk.post(api(`/invoices/${invoice.id}/payments`), { amount: 110_000, method: 'card', reference: 'AUTH-55', idempotencyKey: rand(8) })).body
		);
		expect(card).toMatchObject({ status: 'paid', balance: 0 });

		expectError(await desk.post(api(`/payments/${card.id}/refund`), { amount: 10_000, reason: 'Overcharged', idempotencyKey: rand(8) }), 403, 'forbidden');
		const refund = await admin.post(api(`/payments/${card.id}/refund`), { amount: 10_000, reason: 'Overcharged', idempotencyKey: rand(8) });
		expect(refund.status).toBe(201);
		expect(refundView.parse(refund.body)).toMatchObject({ amount: -10_000, status: 'partly_paid', balance: 10_000 });
		const credit = await admin.post(api(`/invoices/${invoice.id}/credit-notes`), { amount: 10_000, reason: 'Goodwill', idempotencyKey: rand(8) });
		expect(credit.status).toBe(201);
		expect(creditNoteView.parse(credit.body)).toMatchObject({ status: 'paid', balance: 0 });

		const full = invoiceView.parse((await desk.get(api(`/invoices/${invoice.id}`))).body);
		expect(full.payments.map((p) => p.amount)).toEqual([100_000, 110_000, -10_000]);
		expect(full.creditNotes).toHaveLength(1);
		const listed = invoicesView.parse((await desk.get(api(`/invoices?patientId=${patientId}&status=paid`))).body).invoices;
		expect(listed.map((i) => i.id)).toContain(invoice.id);
	});

	it('two desks pay the same balance at once: one 201, one 409; a retried request charges once', async () => {
		const id = await issuedInvoice(5_000);
		const [a, b] = await Promise.all([
			desk.post(api(`/invoices/${id}/payments`), { amount: 5_000, method: 'cash', idempotencyKey: rand(8) }),
			secondDesk.post(api(`/invoices/${id}/payments`), { amount: 5_000, method: 'qr', reference: 'RAAST-1', idempotencyKey: rand(8) })
		]);
		expect([a.status, b.status].sort()).toEqual([201, 409]);
		const other = await issuedInvoice(5_000);
		const key = rand(8);
		const retries = await Promise.all(
			Array.from({ length: 10 }, () =>
				desk.post(api(`/invoices/${other}/payments`), { amount: 2_000, method: 'cash' }, { headers: { 'idempotency-key': key } })
			)
		);
		expect(new Set(retries.map((r) => r.status))).toEqual(new Set([201]));
		expect(new Set(retries.map((r) => (r.body as { id: string }).id)).size).toBe(1);
		expect(invoiceView.parse((await desk.get(api(`/invoices/${other}`))).body).payments).toHaveLength(1);
	});

	it('refuses bad input with the field named, and other roles and clinics', async () => {
		expectError(await desk.post(api('/invoices'), { patientId, lines: [], idempotencyKey: rand(8) }), 400, 'field_too_short', 'lines');
		expectError(await desk.post(api('/invoices'), { patientId, lines: [{ description: 'X', quantity: 1, unitPrice: 10 }] }), 400, 'idempotency_key_required');
		const id = await issuedInvoice(1_000);
		expectError(await desk.post(api(`/invoices/${id}/payments`), { amount: 0, method: 'cash', idempotencyKey: rand(8) }), 400, 'field_too_small', 'amount');
		expectError(await desk.post(api(`/invoices/${id}/payments`), { amount: 10, method: 'cheque', idempotencyKey: rand(8) }), 400, 'field_invalid', 'method');
		expectError(await desk.post(api(`/invoices/${id}/issue`), { idempotencyKey: rand(8) }), 409, 'invoice_state');
		for (const who of [doctor, pharmacist]) {
			expectError(await who.get(api(`/invoices/${id}`)), 403, 'forbidden');
			expectError(await who.post(api(`/invoices/${id}/payments`), { amount: 10, method: 'cash', idempotencyKey: rand(8) }), 403, 'forbidden');
		}
		expectError(await outsider.get(api(`/invoices/${id}`)), 404, 'not_found');
		expectError(await desk.post(api(`/invoices/${id}/void`), { reason: 'x', idempotencyKey: rand(8) }), 403, 'forbidden');
	});
});

describe('payment QR over HTTP', () => {
	it('is refused with payee_not_configured until an admin PUTs the payment settings, then serves the payloads, an SVG and a PNG', async () => {
		const id = await issuedInvoice(120_000);
		expectError(await desk.get(api(`/invoices/${id}/payment-qr`)), 409, 'payee_not_configured');
		const refused = await urduDesk.get(api(`/invoices/${id}/payment-qr.svg`));
		expectError(refused, 409, 'payee_not_configured');
		expect((refused.body as { error: { message: string } }).error.message).toMatch(/[\u0600-\u06FF]/);

		const settings = { merchantName: 'Shifa Clinic', merchantCity: 'Lahore', account: 'PK36SCBL0000001123456702' };
		expectError(await desk.put(api('/payment-settings'), settings), 403, 'forbidden');
		expectError(await outsider.put(api('/payment-settings'), settings), 404, 'not_found');
		const urduCity = await admin.put(api('/payment-settings'), { ...settings, merchantCity: 'لاہور' });
		expectError(urduCity, 400, 'field_invalid', 'merchantCity');
		expect(errorOf(urduCity).fields?.[0]).toMatchObject({ field: 'merchantCity', code: 'latin_text' });
		expect(paymentSettingsView.parse((await desk.get(api('/payment-settings'))).body).settings).toBeNull();
		const put = await admin.put(api('/payment-settings'), settings);
		expect(put.status).toBe(200);
		expect(paymentSettingsView.parse(put.body).settings).toMatchObject({ ...settings, accountScheme: '', upiVpa: null });

		const qr = await desk.get(api(`/invoices/${id}/payment-qr`));
		expect(qr.status).toBe(200);
		const payloads = paymentQrView.parse(qr.body);
		expect(payloads).toMatchObject({ invoiceId: id, amount: 120_000, upi: null });
		expect(payloads.emv).toContain('54071200.00');
		const svg = await desk.get(api(`/invoices/${id}/payment-qr.svg?v=120000`));
		expect([svg.status, svg.headers.get('content-type')]).toEqual([200, 'image/svg+xml']);
		expect(svg.text).toMatch(/^<svg/);
		const png = await desk.get(api(`/invoices/${id}/payment-qr.png`));
		expect([png.status, png.headers.get('content-type')]).toEqual([200, 'image/png']);
		expectError(await desk.get(api(`/invoices/${id}/payment-qr.png?kind=upi`)), 409, 'payee_not_configured', 'kind');
		expectError(await desk.get(api(`/invoices/${id}/payment-qr.png?size=9`)), 400, 'field_invalid');
		for (const who of [doctor, pharmacist]) expectError(await who.get(api(`/invoices/${id}/payment-qr`)), 403, 'forbidden');
		expectError(await outsider.get(api(`/invoices/${id}/payment-qr`)), 404, 'not_found');
		expectError(await desk.get(api('/invoices/not-an-id/payment-qr')), 404, 'not_found');
	});
});
