import { MUTED, PdfWriter } from '../print/pdf';
import type { PurchaseOrderView } from './purchaseOrders';

export type PurchaseOrderPdfLabels = {
	title: string;
	supplier: string;
	date: string;
	dateText: string;
	status: string;
	orderedBy: string;
	medicine: string;
	quantity: string;
	costPrice: string;
	lineTotal: string;
	total: string;
	note: string;
	money: (minor: number) => string;
	/** The reader's language direction: in Urdu the page reads from the right, the table mirrored. */
	direction: 'ltr' | 'rtl';
};

/**
 * A purchase order as an A4 PDF for the supplier, typeset by `print/` (so an Urdu supplier name
 * or note prints as it shows): the clinic, the order's number and date, the supplier's details,
 * then one row per medicine with its quantity, expected unit cost and line total, and the total.
 * In a right-to-left language the headings sit on the right and the table's columns are mirrored;
 * numbers, references and medicine names keep their own left-to-right order.
 */
export async function purchaseOrderPdf(
	order: PurchaseOrderView,
	clinic: { name: string; city: string },
	author: string,
	labels: PurchaseOrderPdfLabels
): Promise<Uint8Array> {
	const rtl = labels.direction === 'rtl';
	const side = rtl ? 'right' : 'left';
	const pdf = await PdfWriter.create('A4', { title: `${clinic.name} · ${order.ref}`, lang: rtl ? 'ur' : 'en' });
	pdf.text(clinic.name, { size: 18, weight: 'bold', align: side });
	if (clinic.city) pdf.text(clinic.city, { size: 9, align: side, color: MUTED });
	pdf.gap(6);
	pdf.text(`${labels.title} ${order.ref}`, { size: 14, weight: 'bold', align: side });
	pdf.text(`${labels.date}: ${labels.dateText} · ${labels.status}`, { size: 10, align: side });
	if (author) pdf.text(`${labels.orderedBy}: ${author}`, { size: 10, align: side });
	pdf.gap(4);
	pdf.rule();
	pdf.text(`${labels.supplier}: ${order.supplier.name}`, { size: 11, weight: 'bold', align: side });
	for (const detail of [order.supplier.phone, order.supplier.email, order.supplier.address]) {
		if (detail) pdf.text(detail, { size: 9, align: side, color: MUTED });
	}
	pdf.gap(4);
	pdf.rule();

	// The table: the medicine wraps at the reading side, the numbers sit in columns aligned to their
	// far edge (mirrored in right-to-left: the same offsets, measured from the other side).
	const cw = pdf.contentWidth;
	const columns = [
		{ width: cw * 0.12, at: cw * 0.48 },
		{ width: cw * 0.2, at: cw * 0.62 },
		{ width: cw * 0.18, at: cw * 0.82 }
	];
	const row = (cells: [string, string, string, string], weight: 'regular' | 'bold') => {
		pdf.ensure(28);
		const top = pdf.y;
		pdf.text(cells[0], { size: 10, weight, align: side, width: cw * 0.46 });
		const bottom = pdf.y;
		cells.slice(1).forEach((cell, i) => {
			pdf.y = top;
			const column = columns[i];
			pdf.text(cell, { size: 10, weight, align: rtl ? 'left' : 'right', direction: 'ltr', indent: cw - column.at - column.width, width: column.width });
		});
		pdf.y = Math.max(bottom, pdf.y) + 4;
	};
	row([labels.medicine, labels.quantity, labels.costPrice, labels.lineTotal], 'bold');
	order.lines.forEach((l, i) => {
		row([`${i + 1}. ${l.medicine}`, `${l.quantity} ${l.unit}`, labels.money(l.costPrice), labels.money(l.costPrice * l.quantity)], 'regular');
	});
	pdf.rule();
	row([labels.total, '', '', labels.money(order.total)], 'bold');
	if (order.note) {
		pdf.gap(8);
		pdf.text(`${labels.note}: ${order.note}`, { size: 10, align: side });
	}
	return pdf.save();
}
