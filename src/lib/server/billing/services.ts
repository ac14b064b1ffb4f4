import { and, asc, desc, eq, gt, lte } from 'drizzle-orm';
import { billingService, membership, servicePrice, taxRule } from '../db/schema';
import type { Db, Tx } from '../db';
import { optionalIdempotency, runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { AppError, badRequest, conflict, forbidden, notFound } from '../errors';
import { isUniqueViolation } from '../db/errors';
import { parseInput } from '../validation';
import type { ClinicContext } from '../tenancy/context';
import { clinicToday } from '../../time';
import { billingClinic } from './invoices';
import { can } from './policy';
import { serviceInput, servicePriceInput, taxRuleInput } from './schema';

type Reader = Db | Tx;

/** Each service's price on a day (the latest from on or before it) and the next one set after it, if any. */
async function pricesAround(db: Reader, clinicId: string, day: string) {
	const [past, future] = await Promise.all([
		db
			.select()
			.from(servicePrice)
			.where(and(eq(servicePrice.clinicId, clinicId), lte(servicePrice.effectiveFrom, day)))
			.orderBy(desc(servicePrice.effectiveFrom)),
		db
			.select()
			.from(servicePrice)
			.where(and(eq(servicePrice.clinicId, clinicId), gt(servicePrice.effectiveFrom, day)))
			.orderBy(asc(servicePrice.effectiveFrom))
	]);
	const current = new Map<string, number>();
	for (const p of past) if (!current.has(p.serviceId)) current.set(p.serviceId, p.price);
	const next = new Map<string, { price: number; effectiveFrom: string }>();
	for (const p of future) if (!next.has(p.serviceId)) next.set(p.serviceId, { price: p.price, effectiveFrom: p.effectiveFrom });
	return { current, next };
}

/** `GET …/services`: the price list, each service at its price today (null when it has none yet). */
export async function listServices(db: Reader, ctx: ClinicContext, now = new Date()) {
	const { services, current } = await priceList(db, ctx, now);
	return { services: services.map(({ next: _next, ...s }) => ({ ...s, price: current.get(s.id) ?? null })) };
}

/** The price list screen's read: every service with its price today and the next price set, if any. */
export async function priceList(db: Reader, ctx: ClinicContext, now = new Date()) {
	if (!can(ctx.actor, 'service.view')) throw forbidden();
	const home = await billingClinic(db, ctx.clinicId);
	const today = clinicToday(home.timezone, now);
	const [rows, { current, next }] = await Promise.all([
		db.select().from(billingService).where(eq(billingService.clinicId, ctx.clinicId)).orderBy(asc(billingService.category), asc(billingService.name)),
		pricesAround(db, ctx.clinicId, today)
	]);
	return {
		today,
		current,
		services: rows.map((s) => ({
			id: s.id,
			name: s.name,
			category: s.category,
			doctorId: s.doctorId,
			visitType: s.visitType || null,
			archived: s.archived,
			price: current.get(s.id) ?? null,
			next: next.get(s.id) ?? null
		}))
	};
}

/** `POST …/services` (admins): a service and its price from a day (today by default). */
export async function createService(db: Db, ctx: ClinicContext, input: unknown, now = new Date()) {
	if (!can(ctx.actor, 'service.manage')) throw forbidden();
	const data = parseInput(serviceInput, input);
	const home = await billingClinic(db, ctx.clinicId);
	if ((data.doctorId || data.visitType) && data.category !== 'consultation')
		throw badRequest('A doctor and visit type belong to consultations', 'category', 'field_invalid');
	if (data.doctorId) {
		const [doctor] = await db
			.select({ role: membership.role })
			.from(membership)
			.where(and(eq(membership.clinicId, ctx.clinicId), eq(membership.userId, data.doctorId), eq(membership.role, 'doctor')));
		if (!doctor) throw badRequest('No such doctor in this clinic', 'doctorId', 'field_invalid');
	}
	const effectiveFrom = data.effectiveFrom ?? clinicToday(home.timezone, now);
	const idempotency = optionalIdempotency(`service.create:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, data);
	try {
		return await runCommand(db, idempotency, async (tx) => {
			const [service] = await tx
				.insert(billingService)
				.values({ clinicId: ctx.clinicId, name: data.name, category: data.category, doctorId: data.doctorId ?? null, visitType: data.visitType ?? '' })
				.returning();
			await tx.insert(servicePrice).values({ clinicId: ctx.clinicId, serviceId: service.id, price: data.price, effectiveFrom, createdBy: ctx.actor.userId });
			await appendAudit(tx, {
				clinicId: ctx.clinicId,
				actorUserId: ctx.actor.userId,
				action: 'service.create',
				entityType: 'billing_service',
				entityId: service.id,
				data: { name: data.name, category: data.category, price: data.price, effectiveFrom }
			});
			return {
				id: service.id,
				name: service.name,
				category: service.category,
				doctorId: service.doctorId,
				visitType: service.visitType || null,
				archived: false,
				price: effectiveFrom <= clinicToday(home.timezone, now) ? data.price : null
			};
		});
	} catch (e) {
		if (isUniqueViolation(e, 'billing_service_clinic_name_key')) throw conflict('A service of that name exists', 'service_name_taken', 'name');
		throw e;
	}
}

/**
 * A service's new price from a day (admins; today when not given, never a past day: invoices
 * already made keep their prices, and a draft takes the price of the day it is made). A second
 * price for the same day replaces the first — a correction before it applied.
 */
export async function setServicePrice(db: Db, ctx: ClinicContext, serviceId: string, input: unknown, now = new Date()) {
	if (!can(ctx.actor, 'service.manage')) throw forbidden();
	const data = parseInput(servicePriceInput, input);
	const home = await billingClinic(db, ctx.clinicId);
	const today = clinicToday(home.timezone, now);
	const effectiveFrom = data.effectiveFrom ?? today;
	if (effectiveFrom < today) throw new AppError('price_in_past', 400, 'A new price applies from today or later', 'effectiveFrom');
	const [service] = await db
		.select({ id: billingService.id })
		.from(billingService)
		.where(and(eq(billingService.clinicId, ctx.clinicId), eq(billingService.id, serviceId)));
	if (!service) throw notFound('No such service');
	const idempotency = optionalIdempotency(`service.price:${ctx.clinicId}:${serviceId}`, ctx.actor.userId, data.idempotencyKey, data);
	return runCommand(db, idempotency, async (tx) => {
		await tx
			.insert(servicePrice)
			.values({ clinicId: ctx.clinicId, serviceId, price: data.price, effectiveFrom, createdBy: ctx.actor.userId })
			.onConflictDoUpdate({ target: [servicePrice.serviceId, servicePrice.effectiveFrom], set: { price: data.price, createdBy: ctx.actor.userId } });
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'service.price',
			entityType: 'billing_service',
			entityId: serviceId,
			data: { price: data.price, effectiveFrom }
		});
		return { serviceId, price: data.price, effectiveFrom };
	});
}

/** The clinic's tax rules, one per category at most. */
export async function listTaxRules(db: Reader, ctx: ClinicContext) {
	if (!can(ctx.actor, 'service.view')) throw forbidden();
	const rows = await db.select().from(taxRule).where(eq(taxRule.clinicId, ctx.clinicId)).orderBy(asc(taxRule.category));
	return rows.map((t) => ({ category: t.category, name: t.name, rateBasisPoints: t.rateBasisPoints, inclusive: t.inclusive }));
}

/**
 * A category's tax (admins): applies to lines of invoices made from now on (an invoice's lines
 * keep the rate they were made with). A rate of 0 removes the rule.
 */
export async function setTaxRule(db: Db, ctx: ClinicContext, input: unknown) {
	if (!can(ctx.actor, 'service.manage')) throw forbidden();
	const data = parseInput(taxRuleInput, input);
	if (data.rateBasisPoints > 0 && !data.name.trim()) throw badRequest('Name the tax as the bill shows it', 'name', 'field_required');
	const idempotency = optionalIdempotency(`tax_rule:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, data);
	return runCommand(db, idempotency, async (tx) => {
		if (data.rateBasisPoints === 0) await tx.delete(taxRule).where(and(eq(taxRule.clinicId, ctx.clinicId), eq(taxRule.category, data.category)));
		else
			await tx
				.insert(taxRule)
				.values({ clinicId: ctx.clinicId, category: data.category, name: data.name.trim(), rateBasisPoints: data.rateBasisPoints, inclusive: data.inclusive })
				.onConflictDoUpdate({
					target: [taxRule.clinicId, taxRule.category],
					set: { name: data.name.trim(), rateBasisPoints: data.rateBasisPoints, inclusive: data.inclusive }
				});
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'tax_rule.set',
			entityType: 'clinic',
			entityId: ctx.clinicId,
			data: { category: data.category, name: data.name, rateBasisPoints: data.rateBasisPoints, inclusive: data.inclusive }
		});
		return { category: data.category, name: data.name.trim(), rateBasisPoints: data.rateBasisPoints, inclusive: data.inclusive };
	});
}
