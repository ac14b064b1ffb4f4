import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../db';
import { ctxOf, key, makePatient } from './queueScene';
import { makeClinic, makeMember } from '../factories';
import type { Db } from '../../src/lib/server/db';
import { createSession, generateSessionToken, validateSessionToken } from '../../src/lib/server/auth/session';
import { createInvoice, getInvoice } from '../../src/lib/server/billing/invoices';
import { actions, load } from '../../src/routes/(staff)/[clinic]/billing/[id]/+page.server';
import { load as listLoad } from '../../src/routes/(staff)/[clinic]/billing/+page.server';
import { actions as closeActions, load as closeLoad } from '../../src/routes/(staff)/[clinic]/billing/day-close/+page.server';

/**
 * The billing screens' server side: the list and the invoice page read through billing's policy
 * in the URL's clinic only; each form action asks for its own action (a refund is an admin's)
 * before the command does; a typed amount is read in major units and refused beside its field,
 * changing nothing; the cash form's answer says the change due.
 */
let db: Db;
let scene: Awaited<ReturnType<typeof makeScene>>;

async function makeScene() {
	const home = await makeClinic(db);
	const other = await makeClinic(db);
	const [admin, desk, doctor, pharmacist, elsewhere] = await Promise.all([
		makeMember(db, home.id, 'admin'),
		makeMember(db, home.id, 'reception'),
		makeMember(db, home.id, 'doctor'),
		makeMember(db, home.id, 'pharmacist'),
		makeMember(db, other.id, 'reception')
	]);
	const patient = await makePatient(db, home.id, `Zainab ${Math.random().toString(36).slice(2, 7)}`);
	return { home, other, admin, desk, doctor, pharmacist, elsewhere, patient };
}

beforeAll(async () => {
	db = (await testDatabase()).db;
	scene = await makeScene();
});

type LoadEvent = Parameters<typeof load>[0];
type ListEvent = Parameters<typeof listLoad>[0];
type ActionEvent = Parameters<(typeof actions)['pay']>[0];

/** What the page's load and actions read of a request: the signed-in person, the URL and its params. */
async function requestAs(userId: string, code: string, path: string, params: Record<string, string>, form?: Record<string, string>) {
	const token = generateSessionToken();
	await createSession(db, token, userId, { twoFactorVerified: true });
	const { session, user } = await validateSessionToken(db, token);
	const url = new URL(`http://localhost/${code}/billing${path}`);
	const request = new Request(url, { method: 'POST', body: new URLSearchParams(form ?? {}), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
	return { locals: { session, user, locale: 'en' }, url, params: { clinic: code, ...params }, request };
}

async function pageAs(userId: string, id: string, code = scene.home.code) {
	const data = await load((await requestAs(userId, code, `/${id}`, { id })) as unknown as LoadEvent);
	if (!data) throw new Error('no page data');
	return data;
}
const act = async (name: keyof typeof actions, userId: string, id: string, form: Record<string, string>) =>
	actions[name]((await requestAs(userId, scene.home.code, `/${id}`, { id }, form)) as unknown as ActionEvent);
const statusOf = async (answer: unknown) =>
	Promise.resolve(answer).then(
		() => 200,
		(e: { status?: number }) => e.status ?? 500
	);

async function draft() {
	const made = await createInvoice(db, ctxOf(scene.home.id, scene.desk.id, 'reception'), {
		patientId: scene.patient.id,
		lines: [{ description: 'Consultation', category: 'consultation', quantity: 1, unitPrice: 150_000 }],
		idempotencyKey: key()
	});
	return made.id;
}

describe('billing screens', () => {
	it('lists the desk’s drafts with their patient, narrowed by a filter and by the patient’s name', async () => {
		const id = await draft();
		const list = async (query: string) =>
			listLoad((await requestAs(scene.desk.id, scene.home.code, query, {})) as unknown as ListEvent) as Promise<{
				filter: string;
				invoices: { id: string; patient: { name: string }; totalText: string }[];
			}>;
		const open = await list('');
		expect(open.filter).toBe('open');
		const row = open.invoices.find((i) => i.id === id);
		expect(row?.patient.name).toBe(scene.patient.name);
		expect(row?.totalText).toContain('1,500.00');
		expect((await list(`?show=paid`)).invoices.map((i) => i.id)).not.toContain(id);
		expect((await list(`?q=${encodeURIComponent(scene.patient.name.slice(0, 6))}`)).invoices.map((i) => i.id)).toContain(id);
		expect((await list(`?q=nobody%25by%25this%25name`)).invoices).toEqual([]);
		// An unknown filter is the default one, never an error.
		expect((await list('?show=everything')).filter).toBe('open');
	});

	it('refuses the billing screens to doctors, pharmacists and other clinics’ staff', async () => {
		const id = await draft();
		expect(await statusOf(pageAs(scene.doctor.id, id))).toBe(403);
		expect(await statusOf(pageAs(scene.pharmacist.id, id))).toBe(403);
		expect(await statusOf(listLoad((await requestAs(scene.pharmacist.id, scene.home.code, '', {})) as unknown as ListEvent))).toBe(403);
		// Another clinic's desk: not their clinic at all (404), and through their own clinic the invoice is not found.
		expect(await statusOf(pageAs(scene.elsewhere.id, id))).toBe(404);
		expect(await statusOf(pageAs(scene.elsewhere.id, id, scene.other.code))).toBe(404);
	});

	it('issues, takes cash with change, refuses a bad amount beside its field, and keeps refunds and voids to admins', async () => {
		const id = await draft();
		expect(await act('issue', scene.desk.id, id, { idempotencyKey: key() })).toMatchObject({ form: 'issue', done: true });
		const page = await pageAs(scene.desk.id, id);
		expect(page.invoice.number).toMatch(new RegExp(`^${scene.home.code}-INV-\\d{4}-\\d{6}$`));
		expect(page.invoice.balanceMajor).toBe('1500.00');
		expect(page.may).toEqual({ issue: true, pay: true, refund: false, void: false, credit: false });

		// Too many decimals and an unknown method: refused with the field named, nothing taken.
		const bad = (await act('pay', scene.desk.id, id, { amount: '10.005', method: 'cash', idempotencyKey: key() })) as {
			status: number;
			data: { form: string; error: { fields?: { field: string; code: string }[] } };
		};
		expect(bad.status).toBe(400);
		expect(bad.data.form).toBe('pay');
		expect(bad.data.error.fields).toContainEqual(expect.objectContaining({ field: 'amount', code: 'amount_invalid' }));
		const wrongMethod = (await act('pay', scene.desk.id, id, { amount: '10', method: 'cheque', idempotencyKey: key() })) as { status: number };
		expect(wrongMethod.status).toBe(400);
		expect((await getInvoice(db, ctxOf(scene.home.id, scene.desk.id, 'reception'), id)).payments).toEqual([]);

		// Cash with what was handed over: the answer says the change, and the same key twice takes it once.
		const cashKey = key();
		const cash = { amount: '1,000', method: 'cash', tendered: '۲۰۰۰', idempotencyKey: cashKey };
		expect(await act('pay', scene.desk.id, id, cash)).toMatchObject({ form: 'pay', done: true, changeText: expect.stringContaining('1,000.00') });
		await act('pay', scene.desk.id, id, cash);
		const paid = await getInvoice(db, ctxOf(scene.home.id, scene.desk.id, 'reception'), id);
		expect(paid.payments).toHaveLength(1);
		expect(paid).toMatchObject({ status: 'partly_paid', paid: 100_000, balance: 50_000 });

		// The desk cannot refund or void, even by posting the form: the action asks first.
		const paymentId = paid.payments[0].id;
		expect(await statusOf(act('refund', scene.desk.id, id, { paymentId, amount: '100', reason: 'x', idempotencyKey: key() }))).toBe(403);
		expect(await statusOf(act('void', scene.desk.id, id, { reason: 'x', idempotencyKey: key() }))).toBe(403);
		expect(await statusOf(act('credit', scene.desk.id, id, { amount: '100', reason: 'x', idempotencyKey: key() }))).toBe(403);

		// An admin may: a refund without its reason is refused beside the reason; with it, it is made.
		const noReason = (await act('refund', scene.admin.id, id, { paymentId, amount: '100', idempotencyKey: key() })) as {
			status: number;
			data: { error: { field?: string } };
		};
		expect(noReason.status).toBe(400);
		expect(noReason.data.error.field).toBe('reason');
		expect(await act('refund', scene.admin.id, id, { paymentId, amount: '100', reason: 'Overcharged', idempotencyKey: key() })).toMatchObject({
			form: 'refund',
			done: true
		});
		expect(await act('credit', scene.admin.id, id, { amount: '600', reason: 'Goodwill', idempotencyKey: key() })).toMatchObject({ done: true });
		const after = await pageAs(scene.admin.id, id);
		expect(after.invoice).toMatchObject({ status: 'paid', paid: 90_000, credited: 60_000, balance: 0 });
		expect(after.invoice.payments.find((p: { id: string }) => p.id === paymentId)?.refundable).toBe(90_000);
	});

	it('closes the desk’s day from typed counts: a difference needs its reason, a day closes once, the pharmacy cannot', async () => {
		const desk = await makeMember(db, scene.home.id, 'reception');
		const id = await draft();
		await act('issue', desk.id, id, { idempotencyKey: key() });
		await act('pay', desk.id, id, { amount: '500', method: 'cash', idempotencyKey: key() });
		type CloseEvent = Parameters<(typeof closeActions)['close']>[0];
		const close = async (userId: string, form: Record<string, string>) =>
			closeActions.close((await requestAs(userId, scene.home.code, '/day-close', {}, form)) as unknown as CloseEvent) as Promise<Record<string, unknown>>;
		const before = await closeLoad((await requestAs(desk.id, scene.home.code, '/day-close', {})) as unknown as Parameters<typeof closeLoad>[0]);
		expect(before?.rows.find((r: { method: string }) => r.method === 'cash')).toMatchObject({ expected: 50_000 });
		expect(before?.closed).toBeNull();

		const bad = (await close(desk.id, { cash: '5OO', idempotencyKey: key() })) as { status: number; data: { error: { fields?: { field: string }[] } } };
		expect(bad.status).toBe(400);
		expect(bad.data.error.fields?.[0]?.field).toBe('cash');
		const noReason = (await close(desk.id, { cash: '450', idempotencyKey: key() })) as { status: number; data: { error: { field?: string } } };
		expect(noReason.data.error.field).toBe('reason');
		expect(await close(desk.id, { cash: '450', reason: 'Gave 50 too much change', idempotencyKey: key() })).toMatchObject({ done: true });
		const again = (await close(desk.id, { cash: '500', idempotencyKey: key() })) as { status: number; data: { error: { code: string } } };
		expect(again.data.error.code).toBe('day_closed');
		const after = await closeLoad((await requestAs(desk.id, scene.home.code, '/day-close', {})) as unknown as Parameters<typeof closeLoad>[0]);
		expect(after?.closed?.reason).toBe('Gave 50 too much change');
		expect(after?.rows.find((r: { method: string }) => r.method === 'cash')).toMatchObject({ difference: -5_000 });
		expect(await statusOf(close(scene.pharmacist.id, { cash: '0', idempotencyKey: key() }))).toBe(403);
	});
});
