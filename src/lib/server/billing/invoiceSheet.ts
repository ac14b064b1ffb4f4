import { and, eq } from 'drizzle-orm';
import { clinic, patient } from '../db/schema';
import type { Db } from '../db';
import type { ClinicContext } from '../tenancy/context';
import { currencyOf, formatMoney } from '../tenancy/money';
import { formatRef } from '../tenancy/counters';
import { m } from '$lib/paraglide/messages.js';
import { paymentMethodLabel } from '$lib/components/billing/labels';
import { getInvoice } from './invoices';
import { invoicePdf, type Bilingual, type InvoicePdfLabels } from './invoicePdf';

type Message = (inputs: Record<string, never>, options: { locale: 'en' | 'ur' }) => string;
const both = (message: Message): Bilingual => ({ en: message({}, { locale: 'en' }), ur: message({}, { locale: 'ur' }) });

/**
 * `GET …/invoices/{id}/pdf`: the invoice (through `getInvoice`, so the desk's and admins' only),
 * with the patient and the clinic, as a bilingual A4 PDF. Amounts and dates in English numerals, so
 * the two languages share them.
 */
export async function invoicePdfOf(db: Db, ctx: ClinicContext, id: string): Promise<{ number: string | null; bytes: Uint8Array }> {
	const invoice = await getInvoice(db, ctx, id);
	const [home] = await db.select().from(clinic).where(eq(clinic.id, ctx.clinicId));
	const [who] = await db
		.select({ name: patient.name, refNo: patient.refNo })
		.from(patient)
		.where(and(eq(patient.clinicId, ctx.clinicId), eq(patient.id, invoice.patientId)));
	const currency = currencyOf(home);
	const day = new Intl.DateTimeFormat('en-GB', { timeZone: home.timezone, day: 'numeric', month: 'short', year: 'numeric' });
	const labels: InvoicePdfLabels = {
		title: both(m.bill_pdf_title),
		draft: both(m.bill_pdf_draft),
		void: both(m.bill_pdf_void),
		patient: both(m.bill_pdf_patient),
		date: both(m.bill_pdf_date),
		taxNumber: both(m.bill_pdf_tax_number),
		description: both(m.bill_pdf_description),
		quantity: both(m.bill_pdf_quantity),
		unitPrice: both(m.bill_pdf_unit_price),
		total: both(m.bill_pdf_total),
		subtotal: both(m.bill_pdf_subtotal),
		discount: both(m.bill_pdf_discount),
		tax: both(m.bill_pdf_tax),
		paid: both(m.bill_pdf_paid),
		credited: both(m.bill_pdf_credited),
		balance: both(m.bill_pdf_balance),
		payments: both(m.bill_pdf_payments),
		method: (method) => ({ en: paymentMethodLabel(method, { locale: 'en' }), ur: paymentMethodLabel(method, { locale: 'ur' }) }),
		money: (minor) => formatMoney(minor, currency, 'en'),
		dateText: (iso) => day.format(new Date(iso))
	};
	const bytes = await invoicePdf(
		{
			clinic: { name: home.name, city: home.city, taxNumber: home.taxNumber },
			patient: { name: who?.name ?? '', ref: who ? formatRef(home.code, 'P', who.refNo) : '' },
			invoice
		},
		labels
	);
	return { number: invoice.number, bytes };
}
