import { and, asc, desc, eq, lte } from 'drizzle-orm';
import { billingService, membership, servicePrice } from '../db/schema';
import type { Db, Tx } from '../db';
import { optionalIdempotency, runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { badRequest, conflict, forbidden } from '../errors';
import { isUniqueViolation } from '../db/errors';
import { parseInput } from '../validation';
import type { ClinicContext } from '../tenancy/context';
import { clinicToday } from '../../time';
import { billingClinic } from './invoices';
import { can } from './policy';
import { serviceInput } from './schema';

type Reader = Db | Tx;

/** `GET …/services`: the price list, each service at its price today (null when it has none yet). */
export async function listServices(db: Reader, ctx: ClinicContext, now = new Date()) {
	if (!can(ctx.actor, 'service.view')) throw forbidden();
	const home = await billingClinic(db, ctx.clinicId);
	const today = clinicToday(home.timezone, now);
	const services = await db
		.select()
		.from(billingService)
		.where(eq(billingService.clinicId, ctx.clinicId))
		.orderBy(asc(billingService.category), asc(billingService.name));
	const prices = await db
		.select()
		.from(servicePrice)
		.where(and(eq(servicePrice.clinicId, ctx.clinicId), lte(servicePrice.effectiveFrom, today)))
		.orderBy(desc(servicePrice.effectiveFrom));
	const current = new Map<string, number>();
	for (const p of prices) if (!current.has(p.serviceId)) current.set(p.serviceId, p.price);
	return {
		services: services.map((s) => ({
			id: s.id,
			name: s.name,
			category: s.category,
			doctorId: s.doctorId,
			visitType: s.visitType || null,
			archived: s.archived,
			price: current.get(s.id) ?? null
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
