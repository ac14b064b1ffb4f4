import { and, asc, eq } from 'drizzle-orm';
import { clinic, supplier } from '../db/schema';
import type { Db, Tx } from '../db';
import { runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { conflict, forbidden, notFound } from '../errors';
import { isUniqueViolation } from '../db/errors';
import { parseInput } from '../validation';
import { isUuid } from '../text';
import type { ClinicContext } from '../tenancy/context';
import { can } from './policy';
import { pharmacyClinic } from './stock';
import { supplierInput, supplierPatch } from './purchasingSchema';

type Reader = Db | Tx;

export type SupplierView = { id: string; name: string; phone: string; email: string; address: string; archived: boolean };

const present = (s: typeof supplier.$inferSelect): SupplierView => ({
	id: s.id,
	name: s.name,
	phone: s.phone,
	email: s.email,
	address: s.address,
	archived: s.archived
});

const nameTaken = () => conflict('There is already a supplier with this name', 'supplier_name_taken', 'name');

async function clinicCountry(db: Reader, clinicId: string): Promise<string> {
	const [row] = await db.select({ country: clinic.country }).from(clinic).where(eq(clinic.id, clinicId));
	return row?.country || 'PK';
}

/** `GET …/suppliers`: the clinic's suppliers by name, archived ones last. */
export async function listSuppliers(db: Reader, ctx: ClinicContext): Promise<{ suppliers: SupplierView[] }> {
	if (!can(ctx.actor, 'supplier.manage')) throw forbidden();
	const rows = await db.select().from(supplier).where(eq(supplier.clinicId, ctx.clinicId)).orderBy(asc(supplier.archived), asc(supplier.name));
	return { suppliers: rows.map(present) };
}

/** `POST …/suppliers`: the name is unique in the clinic whatever its case (409 `supplier_name_taken`). */
export async function createSupplier(db: Db, ctx: ClinicContext, input: unknown): Promise<SupplierView> {
	if (!can(ctx.actor, 'supplier.manage')) throw forbidden();
	await pharmacyClinic(db, ctx.clinicId);
	const data = parseInput(supplierInput(await clinicCountry(db, ctx.clinicId)), input);
	try {
		return await runCommand(db, null, async (tx) => {
			const [row] = await tx
				.insert(supplier)
				.values({ clinicId: ctx.clinicId, ...data })
				.returning();
			await appendAudit(tx, {
				clinicId: ctx.clinicId,
				actorUserId: ctx.actor.userId,
				action: 'supplier.create',
				entityType: 'supplier',
				entityId: row.id,
				data: { name: row.name }
			});
			return present(row);
		});
	} catch (e) {
		if (isUniqueViolation(e, 'supplier_clinic_name_key')) throw nameTaken();
		throw e;
	}
}

/** `PATCH …/suppliers/{id}`: its details, or archiving it (an archived supplier takes no new orders). */
export async function updateSupplier(db: Db, ctx: ClinicContext, supplierId: string, input: unknown): Promise<SupplierView> {
	if (!can(ctx.actor, 'supplier.manage')) throw forbidden();
	if (!isUuid(supplierId)) throw notFound('No such supplier');
	const data = parseInput(supplierPatch(await clinicCountry(db, ctx.clinicId)), input);
	try {
		return await runCommand(db, null, async (tx) => {
			const mine = and(eq(supplier.clinicId, ctx.clinicId), eq(supplier.id, supplierId));
			const [row] = Object.keys(data).length > 0 ? await tx.update(supplier).set(data).where(mine).returning() : await tx.select().from(supplier).where(mine);
			if (!row) throw notFound('No such supplier');
			await appendAudit(tx, {
				clinicId: ctx.clinicId,
				actorUserId: ctx.actor.userId,
				action: 'supplier.update',
				entityType: 'supplier',
				entityId: row.id,
				data
			});
			return present(row);
		});
	} catch (e) {
		if (isUniqueViolation(e, 'supplier_clinic_name_key')) throw nameTaken();
		throw e;
	}
}
