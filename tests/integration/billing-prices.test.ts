import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../db';
import { ctxOf, key, makePatient } from './queueScene';
import { failure } from '../pharmacyScene';
import { makeClinic, makeMember } from '../factories';
import type { Db } from '../../src/lib/server/db';
import { createSession, generateSessionToken, validateSessionToken } from '../../src/lib/server/auth/session';
import { createInvoice } from '../../src/lib/server/billing/invoices';
import { createService, listServices, listTaxRules, priceList, setServicePrice, setTaxRule } from '../../src/lib/server/billing/services';
import { addDays, clinicToday } from '../../src/lib/time';
import { actions, load } from '../../src/routes/(staff)/[clinic]/billing/prices/+page.server';

/**
 * The price list and the clinic's taxes: a new price applies from its day (never a past one) and
 * a second price for a day corrects the first; the API's list shows today's price, the screen the
 * next one too; a tax rule applies to invoices made after it, and 0 removes it; only admins set
 * either, by the command or by posting the page's forms.
 */
let db: Db;
let scene: Awaited<ReturnType<typeof makeScene>>;

async function makeScene() {
	const home = await makeClinic(db);
	const [admin, desk, pharmacist] = await Promise.all([
		makeMember(db, home.id, 'admin'),
		makeMember(db, home.id, 'reception'),
		makeMember(db, home.id, 'pharmacist')
	]);
	return {
		home,
		adminUser: admin,
		deskUser: desk,
		admin: ctxOf(home.id, admin.id, 'admin'),
		desk: ctxOf(home.id, desk.id, 'reception'),
		pharmacist: ctxOf(home.id, pharmacist.id, 'pharmacist'),
		patient: await makePatient(db, home.id),
		today: clinicToday(home.timezone)
	};
}

beforeAll(async () => {
	db = (await testDatabase()).db;
	scene = await makeScene();
});

type LoadEvent = Parameters<typeof load>[0];
type ActionEvent = Parameters<(typeof actions)['price']>[0];

async function requestAs(userId: string, form?: Record<string, string>) {
	const token = generateSessionToken();
	await createSession(db, token, userId, { twoFactorVerified: true });
	const { session, user } = await validateSessionToken(db, token);
	const url = new URL(`http://localhost/${scene.home.code}/billing/prices`);
	const request = new Request(url, { method: 'POST', body: new URLSearchParams(form ?? {}), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
	return { locals: { session, user, locale: 'en' }, url, params: { clinic: scene.home.code }, request };
}
/** The page's data as a person sees it. */
const pageAs = async (userId: string) =>
	(await load((await requestAs(userId)) as unknown as LoadEvent)) as { payee: { settings: unknown; manage: boolean } | null };
const act = async (name: keyof typeof actions, userId: string, form: Record<string, string>) =>
	actions[name]((await requestAs(userId, form)) as unknown as ActionEvent) as Promise<Record<string, unknown>>;

describe('prices', () => {
	it('applies a new price from its day, corrects a day’s price, and never sets a past one', async () => {
		const service = await createService(db, scene.admin, { name: `X-ray ${key()}`, category: 'procedure', price: 100_000 });
		const tomorrow = addDays(scene.today, 1);
		await setServicePrice(db, scene.admin, service.id, { price: 120_000, effectiveFrom: tomorrow });
		await setServicePrice(db, scene.admin, service.id, { price: 125_000, effectiveFrom: tomorrow });
		const today = (await listServices(db, scene.desk)).services.find((s) => s.id === service.id);
		expect(today?.price).toBe(100_000);
		const screen = (await priceList(db, scene.desk)).services.find((s) => s.id === service.id);
		expect(screen?.next).toEqual({ price: 125_000, effectiveFrom: tomorrow });
		// Tomorrow the new price is the price.
		const later = new Date(Date.now() + 36 * 3_600_000);
		expect((await listServices(db, scene.desk, later)).services.find((s) => s.id === service.id)?.price).toBe(125_000);

		expect(await failure(setServicePrice(db, scene.admin, service.id, { price: 1, effectiveFrom: addDays(scene.today, -1) }))).toMatchObject({
			code: 'price_in_past',
			field: 'effectiveFrom'
		});
		expect(await failure(setServicePrice(db, scene.desk, service.id, { price: 1 }))).toMatchObject({ code: 'forbidden' });
		expect(await failure(setServicePrice(db, scene.admin, crypto.randomUUID(), { price: 1 }))).toMatchObject({ code: 'not_found' });
		expect(await failure(setServicePrice(db, scene.admin, service.id, { price: -5 }))).toMatchObject({ status: 400 });
	});

	it('taxes the invoices made after a rule is set, keeps those made before, and 0 removes the rule', async () => {
		const line = { description: 'Dressing', category: 'procedure', quantity: 1, unitPrice: 10_000 };
		const before = await createInvoice(db, scene.desk, { patientId: scene.patient.id, lines: [line], idempotencyKey: key() });
		await setTaxRule(db, scene.admin, { category: 'procedure', name: 'Sales tax', rateBasisPoints: 1_700, inclusive: false });
		expect(await listTaxRules(db, scene.desk)).toContainEqual({ category: 'procedure', name: 'Sales tax', rateBasisPoints: 1_700, inclusive: false });
		const after = await createInvoice(db, scene.desk, { patientId: scene.patient.id, lines: [line], idempotencyKey: key() });
		expect(before.tax).toBe(0);
		expect(after).toMatchObject({ tax: 1_700, total: 11_700 });
		await setTaxRule(db, scene.admin, { category: 'procedure', rateBasisPoints: 0 });
		expect((await listTaxRules(db, scene.desk)).map((t) => t.category)).not.toContain('procedure');

		expect(await failure(setTaxRule(db, scene.admin, { category: 'lab', rateBasisPoints: 500 }))).toMatchObject({ code: 'field_required', field: 'name' });
		expect(await failure(setTaxRule(db, scene.admin, { category: 'lab', name: 'GST', rateBasisPoints: 10_001 }))).toMatchObject({ status: 400 });
		expect(await failure(setTaxRule(db, scene.desk, { category: 'lab', name: 'GST', rateBasisPoints: 500 }))).toMatchObject({ code: 'forbidden' });
		expect(await failure(setTaxRule(db, scene.pharmacist, { category: 'lab', name: 'GST', rateBasisPoints: 500 }))).toMatchObject({ code: 'forbidden' });
	});

	it('lets the desk read the price list page but post none of its forms; an admin’s typed prices and rates are read as typed', async () => {
		const page = await load((await requestAs(scene.deskUser.id)) as unknown as LoadEvent);
		expect(page).toMatchObject({ manage: false });
		const statusOf = (p: Promise<unknown>) =>
			p.then(
				() => 200,
				(e: { status?: number }) => e.status ?? 500
			);
		expect(await statusOf(act('create', scene.deskUser.id, { name: 'Nebuliser', category: 'procedure', price: '300' }))).toBe(403);
		expect(await statusOf(act('tax', scene.deskUser.id, { category: 'lab', name: 'GST', rate: '5' }))).toBe(403);

		const name = `Nebuliser ${key()}`;
		expect(await act('create', scene.adminUser.id, { name, category: 'procedure', price: '1,250.50', idempotencyKey: key() })).toMatchObject({ done: true });
		const made = (await listServices(db, scene.admin)).services.find((s) => s.name === name);
		expect(made?.price).toBe(125_050);
		// A blank price is not a price, a duplicate name is refused beside the name: nothing added either time.
		const blank = (await act('create', scene.adminUser.id, { name: `${name} 2`, category: 'procedure', price: '' })) as {
			status: number;
			data: { error: { field?: string } };
		};
		expect(blank.status).toBe(400);
		expect(blank.data.error.field).toBe('price');
		const twice = (await act('create', scene.adminUser.id, { name, category: 'procedure', price: '10' })) as {
			status: number;
			data: { error: { code: string } };
		};
		expect(twice.data.error.code).toBe('service_name_taken');

		expect(await act('tax', scene.adminUser.id, { category: 'lab', name: 'GST', rate: '17.5', inclusive: 'on', idempotencyKey: key() })).toMatchObject({
			done: true
		});
		expect(await listTaxRules(db, scene.admin)).toContainEqual({ category: 'lab', name: 'GST', rateBasisPoints: 1_750, inclusive: true });
		const badRate = (await act('tax', scene.adminUser.id, { category: 'lab', name: 'GST', rate: '17.555' })) as {
			status: number;
			data: { error: { code: string; field?: string } };
		};
		expect(badRate.status).toBe(400);
		expect(badRate.data.error).toMatchObject({ code: 'tax_rate_invalid', field: 'rate' });
		expect(await listTaxRules(db, scene.admin)).toContainEqual({ category: 'lab', name: 'GST', rateBasisPoints: 1_750, inclusive: true });
	});

	it('shows the desk who QR payments go to and lets only an admin set it from the page; a refused payee changes nothing', async () => {
		const statusOf = (p: Promise<unknown>) =>
			p.then(
				() => 200,
				(e: { status?: number }) => e.status ?? 500
			);
		const payee = { merchantName: 'Shifa Clinic', merchantCity: 'Lahore', account: 'PK36 SCBL 0000 0011 2345 6702', accountScheme: '', upiVpa: '' };
		expect(await statusOf(act('payee', scene.deskUser.id, payee))).toBe(403);
		const refused = (await act('payee', scene.adminUser.id, { ...payee, merchantName: 'شفا کلینک' })) as {
			status: number;
			data: { error: { fields?: { field: string; code: string }[] } };
		};
		expect(refused.status).toBe(400);
		expect(refused.data.error.fields?.[0]).toMatchObject({ field: 'merchantName', code: 'latin_text' });
		expect((await pageAs(scene.deskUser.id)).payee).toEqual({ settings: null, manage: false });

		expect(await act('payee', scene.adminUser.id, payee)).toMatchObject({ done: true });
		expect((await pageAs(scene.deskUser.id)).payee).toMatchObject({
			manage: false,
			settings: { merchantName: 'Shifa Clinic', account: 'PK36SCBL0000001123456702', upiVpa: null }
		});
		expect((await pageAs(scene.adminUser.id)).payee?.manage).toBe(true);
		// The pharmacy reads prices, not where the money goes.
		expect((await pageAs(scene.pharmacist.actor.userId)).payee).toBeNull();
	});
});
