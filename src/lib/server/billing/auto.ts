import { and, eq, inArray, sql } from 'drizzle-orm';
import { appUser, billingService, clinic, doctorProfile, invoice, invoiceLine, medicine, stockBatch, taxRule } from '../db/schema';
import type { Tx } from '../db';
import { clinicToday } from '../../time';
import { lineAmounts } from './amounts';
import { servicePriceOn } from './invoices';

/*
 * Automatic invoices: completing a visit and dispensing for it bill the patient without the desk
 * typing anything. Each visit has at most one open automatic draft (a unique partial index); what
 * is billed after the desk issued it goes on a new draft, never onto the issued invoice. These run
 * inside the completing or dispensing command's transaction, after its own locks (visit, or
 * prescription and batches), and take only the draft's row.
 */

type Category = (typeof invoiceLine.$inferInsert)['category'];
export type AutoLine = { category: Category; description: string; quantity: number; unitPrice: number; serviceId?: string; prescriptionLineId?: string };
type VisitRef = { id: string; clinicId: string; patientId: string };

/** The visit's open automatic draft, locked, made first when it has none. */
export async function autoDraftOf(tx: Tx, visit: VisitRef, actorId: string, now: Date): Promise<string> {
	await tx
		.insert(invoice)
		.values({ clinicId: visit.clinicId, patientId: visit.patientId, visitId: visit.id, source: 'auto', createdBy: actorId, createdAt: now, updatedAt: now })
		.onConflictDoNothing();
	const [draft] = await tx
		.select({ id: invoice.id })
		.from(invoice)
		.where(and(eq(invoice.visitId, visit.id), eq(invoice.status, 'draft'), eq(invoice.source, 'auto')))
		.for('update');
	return draft.id;
}

/** Lines added to a draft, taxed by the clinic's rules, and the draft's totals summed again. */
export async function addDraftLines(tx: Tx, clinicId: string, invoiceId: string, lines: AutoLine[], now: Date): Promise<void> {
	if (lines.length === 0) return;
	const taxes = new Map((await tx.select().from(taxRule).where(eq(taxRule.clinicId, clinicId))).map((t) => [t.category, t]));
	const [{ last }] = await tx
		.select({ last: sql<number>`coalesce(max(${invoiceLine.position}), 0)::int` })
		.from(invoiceLine)
		.where(eq(invoiceLine.invoiceId, invoiceId));
	await tx.insert(invoiceLine).values(
		lines.map((l, i) => {
			const tax = taxes.get(l.category);
			const amounts = lineAmounts({
				quantity: l.quantity,
				unitPrice: l.unitPrice,
				taxRateBasisPoints: tax?.rateBasisPoints ?? 0,
				taxInclusive: tax?.inclusive ?? false
			});
			return {
				clinicId,
				invoiceId,
				position: Number(last) + i + 1,
				serviceId: l.serviceId ?? null,
				category: l.category,
				description: l.description,
				quantity: l.quantity,
				unitPrice: l.unitPrice,
				taxRateBasisPoints: tax?.rateBasisPoints ?? 0,
				taxInclusive: tax?.inclusive ?? false,
				tax: amounts.tax,
				total: amounts.total,
				prescriptionLineId: l.prescriptionLineId ?? null,
				createdAt: now
			};
		})
	);
	const [sums] = await tx
		.select({
			subtotal: sql<number>`coalesce(sum(${invoiceLine.quantity}::bigint * ${invoiceLine.unitPrice}), 0)::bigint`,
			discount: sql<number>`coalesce(sum(${invoiceLine.discount}), 0)::bigint`,
			tax: sql<number>`coalesce(sum(${invoiceLine.tax}), 0)::bigint`,
			total: sql<number>`coalesce(sum(${invoiceLine.total}), 0)::bigint`
		})
		.from(invoiceLine)
		.where(eq(invoiceLine.invoiceId, invoiceId));
	await tx
		.update(invoice)
		.set({ subtotal: Number(sums.subtotal), discount: Number(sums.discount), tax: Number(sums.tax), total: Number(sums.total), updatedAt: now })
		.where(eq(invoice.id, invoiceId));
}

/**
 * A completed visit's consultation on its automatic draft: the doctor's consultation service at
 * its price today, else the fee on the doctor's profile; nothing when neither has a price (the
 * draft still appears, for the medicines to come).
 */
export async function billConsultation(tx: Tx, visit: VisitRef & { doctorId: string }, actorId: string, now: Date): Promise<void> {
	const draft = await autoDraftOf(tx, visit, actorId, now);
	const [home] = await tx.select({ timezone: clinic.timezone }).from(clinic).where(eq(clinic.id, visit.clinicId));
	const [service] = await tx
		.select()
		.from(billingService)
		.where(
			and(
				eq(billingService.clinicId, visit.clinicId),
				eq(billingService.category, 'consultation'),
				eq(billingService.doctorId, visit.doctorId),
				eq(billingService.archived, false)
			)
		)
		.orderBy(billingService.visitType, billingService.createdAt)
		.limit(1);
	const [doctor] = await tx
		.select({ name: appUser.name, fee: doctorProfile.consultationFee })
		.from(appUser)
		.leftJoin(doctorProfile, and(eq(doctorProfile.userId, appUser.id), eq(doctorProfile.clinicId, visit.clinicId)))
		.where(eq(appUser.id, visit.doctorId));
	const servicePrice = service ? await servicePriceOn(tx, visit.clinicId, service.id, clinicToday(home.timezone, now)) : null;
	const price = servicePrice ?? (doctor?.fee && doctor.fee > 0 ? doctor.fee : null);
	if (price === null) return;
	const description = service && servicePrice !== null ? service.name : `Consultation · ${doctor?.name ?? ''}`.trim();
	await addDraftLines(
		tx,
		visit.clinicId,
		draft,
		[{ category: 'consultation', description, quantity: 1, unitPrice: price, serviceId: service && servicePrice !== null ? service.id : undefined }],
		now
	);
}

/** Medicines handed over, on the visit's automatic draft: one line per batch taken, at that batch's sale price. */
export async function billDispensed(
	tx: Tx,
	visit: VisitRef,
	takes: { prescriptionLineId: string; batchId: string; quantity: number }[],
	actorId: string,
	now: Date
): Promise<void> {
	if (takes.length === 0) return;
	const batches = await tx
		.select({
			id: stockBatch.id,
			batchNumber: stockBatch.batchNumber,
			salePrice: stockBatch.salePrice,
			genericName: medicine.genericName,
			strength: medicine.strength,
			form: medicine.form
		})
		.from(stockBatch)
		.innerJoin(medicine, eq(medicine.id, stockBatch.medicineId))
		.where(
			inArray(
				stockBatch.id,
				takes.map((t) => t.batchId)
			)
		);
	const byId = new Map(batches.map((b) => [b.id, b]));
	const draft = await autoDraftOf(tx, visit, actorId, now);
	await addDraftLines(
		tx,
		visit.clinicId,
		draft,
		takes.map((t) => {
			const b = byId.get(t.batchId);
			const name = b ? [b.genericName, b.strength, b.form ? `(${b.form})` : ''].filter(Boolean).join(' ') : '';
			return {
				category: 'medicine' as const,
				description: b ? `${name} · ${b.batchNumber}` : name,
				quantity: t.quantity,
				unitPrice: b?.salePrice ?? 0,
				prescriptionLineId: t.prescriptionLineId
			};
		}),
		now
	);
}
