import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../db';
import { ctxOf, key, makePatient } from './queueScene';
import { makeClinic, makeMember } from '../factories';
import { pageRequest, statusOf } from './pageRequest';
import { billingService, servicePrice } from '../../src/lib/server/db/schema';
import { createInvoice, issueInvoice } from '../../src/lib/server/billing/invoices';
import { recordPayment } from '../../src/lib/server/billing/payments';
import { listDoctorShares } from '../../src/lib/server/billing/earnings';
import { clinicToday } from '../../src/lib/time';
import type { Db } from '../../src/lib/server/db';
import { actions, load } from '../../src/routes/(staff)/[clinic]/earnings/+page.server';

/**
 * The earnings page: a doctor sees their own month (another doctor's is never reachable from it),
 * an admin any doctor's and sets shares by percentage or amount from the page; the desk, nurses
 * and the pharmacy have no way in; a refused share changes nothing.
 */
let db: Db;
let s: Awaited<ReturnType<typeof scene>>;

async function scene() {
	const home = await makeClinic(db);
	const [admin, doctor, otherDoctor, desk, nurse, pharmacist] = await Promise.all(
		(['admin', 'doctor', 'doctor', 'reception', 'nurse', 'pharmacist'] as const).map((role) => makeMember(db, home.id, role))
	);
	const patient = await makePatient(db, home.id);
	const [consultation] = await db
		.insert(billingService)
		.values({ clinicId: home.id, name: 'Consultation', category: 'consultation', doctorId: doctor.id })
		.returning();
	await db.insert(servicePrice).values({ clinicId: home.id, serviceId: consultation.id, price: 200_000, effectiveFrom: '2020-01-01', createdBy: admin.id });
	return { home, admin, doctor, otherDoctor, desk, nurse, pharmacist, patient, consultation, month: clinicToday(home.timezone).slice(0, 7) };
}

type Page = {
	admin: boolean;
	doctorId: string | null;
	doctors: { id: string }[];
	earnings: { totalText: string; lines: { description: string; shareText: string }[] } | null;
	shares: { category: string; percent: number | null; amount: number | null; current: boolean }[];
};
const pageAs = async (userId: string, query = '') =>
	(await load((await pageRequest(db, userId, `/${s.home.code}/earnings${query}`, { clinic: s.home.code })) as never)) as unknown as Page;
const share = async (userId: string, form: Record<string, string>) =>
	actions.share((await pageRequest(db, userId, `/${s.home.code}/earnings`, { clinic: s.home.code }, form)) as never) as Promise<Record<string, unknown>>;

beforeAll(async () => {
	db = (await testDatabase()).db;
	s = await scene();
	// A paid consultation of the doctor this month.
	const desk = ctxOf(s.home.id, s.desk.id, 'reception');
	const draft = await createInvoice(db, desk, { patientId: s.patient.id, lines: [{ serviceId: s.consultation.id, quantity: 1 }], idempotencyKey: key() });
	await issueInvoice(db, desk, draft.id, { idempotencyKey: key() });
	await recordPayment(db, desk, draft.id, { amount: 200_000, method: 'cash', idempotencyKey: key() });
});

describe('the earnings page', () => {
	it('is closed to the desk, nurses and the pharmacy; a doctor sees their own month even when asking for another doctor', async () => {
		for (const who of [s.desk, s.nurse, s.pharmacist]) expect(await statusOf(pageAs(who.id))).toBe(403);
		const own = await pageAs(s.doctor.id, `?doctor=${s.otherDoctor.id}&month=${s.month}`);
		expect(own).toMatchObject({ admin: false, doctorId: s.doctor.id, doctors: [] });
		// No share yet: the paid line is listed, earning nothing.
		expect(own.earnings?.lines.map((l) => l.description)).toEqual(['Consultation']);
		expect(own.earnings?.totalText).toMatch(/0\.00/);
		expect((await pageAs(s.otherDoctor.id)).earnings?.lines).toEqual([]);
		// A month that is not one shows the current month.
		expect((await pageAs(s.doctor.id, '?month=2026-13')).earnings?.lines).toHaveLength(1);
	});

	it('lets an admin set a doctor’s share by percentage or amount from the page, refusing bad values beside the field; only admins may', async () => {
		const form = { doctorId: s.doctor.id, category: 'consultation', kind: 'percent', value: '40', idempotencyKey: key() };
		for (const who of [s.doctor, s.desk]) expect(await statusOf(share(who.id, form))).toBe(403);
		for (const [value, code] of [
			['140', 'share_percent_invalid'],
			['4.5', 'share_percent_invalid'],
			['', 'field_required']
		]) {
			const refused = (await share(s.admin.id, { ...form, value, idempotencyKey: key() })) as {
				status: number;
				data: { error: { code: string; field?: string } };
			};
			expect(refused.status, value).toBe(400);
			expect(refused.data.error, value).toMatchObject({ code, field: 'value' });
		}
		const badAmount = (await share(s.admin.id, { ...form, kind: 'amount', value: '12.345', idempotencyKey: key() })) as {
			status: number;
			data: { error: { field?: string } };
		};
		expect([badAmount.status, badAmount.data.error.field]).toEqual([400, 'value']);
		expect((await listDoctorShares(db, ctxOf(s.home.id, s.admin.id, 'admin'), { doctorId: s.doctor.id })).shares).toEqual([]);

		expect(await share(s.admin.id, form)).toMatchObject({ done: true });
		expect(await share(s.admin.id, { ...form, category: 'procedure', kind: 'amount', value: '150', idempotencyKey: key() })).toMatchObject({ done: true });
		const admin = await pageAs(s.admin.id, `?doctor=${s.doctor.id}`);
		expect(admin.admin).toBe(true);
		expect(admin.doctors.map((d) => d.id).sort()).toEqual([s.doctor.id, s.otherDoctor.id].sort());
		expect(admin.shares).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ category: 'consultation', percent: 40, amount: null, current: true }),
				expect.objectContaining({ category: 'procedure', percent: null, amount: 15_000, current: true })
			])
		);
		// 40% of the 2,000.00 paid.
		expect(admin.earnings?.totalText).toMatch(/800\.00/);
		expect((await pageAs(s.doctor.id)).earnings?.lines[0].shareText).toMatch(/800\.00/);
	});
});
