import { and, desc, eq, ilike, inArray, or, type SQL } from 'drizzle-orm';
import { invoice, patient } from '../db/schema';
import type { Db, Tx } from '../db';
import { forbidden } from '../errors';
import type { ClinicContext } from '../tenancy/context';
import { balanceOf } from './amounts';
import { can } from './policy';

/** The desk's views of its invoices: what is still to do (drafts and money owed) first. */
export const DESK_FILTERS = ['open', 'draft', 'unpaid', 'paid', 'void', 'all'] as const;
export type DeskFilter = (typeof DESK_FILTERS)[number];

const statusesOf: Record<DeskFilter, (typeof invoice.status.enumValues)[number][] | null> = {
	open: ['draft', 'issued', 'partly_paid'],
	draft: ['draft'],
	unpaid: ['issued', 'partly_paid'],
	paid: ['paid'],
	void: ['void'],
	all: null
};

/** Escapes LIKE's wildcards so a typed `%` or `_` is only itself. */
const likeText = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The billing screen's list: newest first, at most 200, with each invoice's patient, narrowed by
 * a filter and by text that matches the invoice number or the patient's name.
 */
export async function deskInvoices(db: Db | Tx, ctx: ClinicContext, filter: DeskFilter, text = '') {
	if (!can(ctx.actor, 'invoice.view')) throw forbidden();
	const statuses = statusesOf[filter];
	const q = text.trim().slice(0, 100);
	const conditions: (SQL | undefined)[] = [eq(invoice.clinicId, ctx.clinicId), statuses ? inArray(invoice.status, statuses) : undefined];
	if (q) conditions.push(or(ilike(invoice.number, likeText(q)), ilike(patient.name, likeText(q))));
	const rows = await db
		.select({ row: invoice, patientName: patient.name, patientRef: patient.refNo })
		.from(invoice)
		.innerJoin(patient, eq(patient.id, invoice.patientId))
		.where(and(...conditions))
		.orderBy(desc(invoice.createdAt))
		.limit(200);
	return rows.map(({ row, patientName, patientRef }) => ({
		id: row.id,
		number: row.number,
		status: row.status,
		source: row.source,
		patient: { id: row.patientId, name: patientName, ref: patientRef },
		total: row.total,
		balance: balanceOf(row),
		createdAt: row.createdAt.toISOString(),
		issuedAt: row.issuedAt?.toISOString() ?? null
	}));
}
