import QRCode from 'qrcode';
import { MUTED, PdfWriter } from '../print/pdf';

/** A label in both languages: the invoice is bilingual, English on the left and Urdu on the right. */
export type Bilingual = { en: string; ur: string };

export type InvoicePdfLabels = {
	title: Bilingual;
	draft: Bilingual;
	void: Bilingual;
	patient: Bilingual;
	date: Bilingual;
	taxNumber: Bilingual;
	description: Bilingual;
	quantity: Bilingual;
	unitPrice: Bilingual;
	total: Bilingual;
	subtotal: Bilingual;
	discount: Bilingual;
	tax: Bilingual;
	paid: Bilingual;
	credited: Bilingual;
	balance: Bilingual;
	payments: Bilingual;
	/** The method's name in both languages. */
	method: (method: string) => Bilingual;
	money: (minor: number) => string;
	dateText: (iso: string) => string;
};

export type InvoiceSheet = {
	clinic: { name: string; city: string; taxNumber: string };
	patient: { name: string; ref: string };
	invoice: {
		number: string | null;
		status: string;
		issuedAt: string | null;
		createdAt: string;
		subtotal: number;
		discount: number;
		tax: number;
		total: number;
		paid: number;
		credited: number;
		balance: number;
		lines: { description: string; quantity: number; unitPrice: number; discount: number; tax: number; total: number }[];
		payments: { amount: number; method: string; reference: string; createdAt: string }[];
	};
};

/**
 * An invoice as an A4 PDF, typeset by `print/` so Urdu reads as it should: the clinic with its tax
 * number and a QR code of the invoice number, then the patient and date, one row per line, the
 * totals and what was paid, and what is still owed. Every label is printed in English and Urdu
 * side by side (the page is for whoever holds it); names, numbers and amounts once.
 */
export async function invoicePdf(sheet: InvoiceSheet, labels: InvoicePdfLabels): Promise<Uint8Array> {
	const { invoice } = sheet;
	const reference = invoice.number ?? labels.draft.en;
	const pdf = await PdfWriter.create('A4', { title: `${sheet.clinic.name} · ${reference}`, lang: 'en' });
	const qrSize = 66;
	if (invoice.number) await pdf.imageTopRight(await QRCode.toBuffer(invoice.number, { type: 'png', margin: 0, width: 240, errorCorrectionLevel: 'M' }), qrSize);
	const besideQr = pdf.contentWidth - qrSize - 10;
	const top = pdf.y;
	pdf.text(sheet.clinic.name, { size: 18, weight: 'bold', align: 'left', width: besideQr });
	if (sheet.clinic.city) pdf.text(sheet.clinic.city, { size: 9, align: 'left', width: besideQr, color: MUTED });
	if (sheet.clinic.taxNumber) pdf.text(`${labels.taxNumber.en}: ${sheet.clinic.taxNumber}`, { size: 9, align: 'left', width: besideQr, direction: 'ltr' });
	pdf.y = Math.max(pdf.y, top + (invoice.number ? qrSize : 0)) + 4;
	pdf.rule();

	const cw = pdf.contentWidth;
	/** One line with English on the left and Urdu on the right, at the same height. */
	const both = (label: Bilingual, value: string, size = 10, weight: 'regular' | 'bold' = 'regular') => {
		pdf.ensure(size * 3);
		const y = pdf.y;
		pdf.text(`${label.en}: ${value}`, { size, weight, align: 'left', direction: 'ltr', width: cw * 0.6 });
		const after = pdf.y;
		pdf.y = y;
		pdf.text(label.ur, { size, weight, align: 'right', direction: 'rtl', width: cw * 0.38 });
		pdf.y = Math.max(after, pdf.y);
	};
	const title = invoice.status === 'void' ? labels.void : invoice.number ? labels.title : labels.draft;
	both(title, reference, 14, 'bold');
	both(labels.date, labels.dateText(invoice.issuedAt ?? invoice.createdAt));
	both(labels.patient, `${sheet.patient.name} (${sheet.patient.ref})`);
	pdf.gap(4);
	pdf.rule();

	// The lines: the description wraps on the left, amounts sit in right-aligned columns.
	const columns = [
		{ width: cw * 0.08, at: cw * 0.5 },
		{ width: cw * 0.18, at: cw * 0.6 },
		{ width: cw * 0.2, at: cw * 0.8 }
	];
	const row = (cells: [string, string, string, string], weight: 'regular' | 'bold', size = 10) => {
		pdf.ensure(size * 3);
		const y = pdf.y;
		pdf.text(cells[0], { size, weight, align: 'left', width: cw * 0.48 });
		const bottom = pdf.y;
		cells.slice(1).forEach((cell, i) => {
			pdf.y = y;
			const column = columns[i];
			pdf.text(cell, { size, weight, align: 'right', indent: cw - column.at - column.width, width: column.width });
		});
		pdf.y = Math.max(bottom, pdf.y) + 3;
	};
	row([labels.description.en, labels.quantity.en, labels.unitPrice.en, labels.total.en], 'bold', 9);
	row([labels.description.ur, labels.quantity.ur, labels.unitPrice.ur, labels.total.ur], 'bold', 9);
	for (const line of invoice.lines) {
		row([line.description, String(line.quantity), labels.money(line.unitPrice), labels.money(line.total)], 'regular');
		const notes = [
			line.discount > 0 ? `${labels.discount.en} -${labels.money(line.discount)}` : '',
			line.tax > 0 ? `${labels.tax.en} ${labels.money(line.tax)}` : ''
		]
			.filter(Boolean)
			.join(' · ');
		if (notes) pdf.text(notes, { size: 8, align: 'left', direction: 'ltr', indent: 12, color: MUTED, after: 3 });
	}
	pdf.rule();
	const totals: [Bilingual, number, 'regular' | 'bold'][] = [
		[labels.subtotal, invoice.subtotal, 'regular'],
		[labels.discount, -invoice.discount, 'regular'],
		[labels.tax, invoice.tax, 'regular'],
		[labels.total, invoice.total, 'bold'],
		[labels.paid, invoice.paid, 'regular'],
		[labels.credited, invoice.credited, 'regular'],
		[labels.balance, invoice.balance, 'bold']
	];
	for (const [label, amount, weight] of totals) {
		if (amount === 0 && weight === 'regular' && label !== labels.subtotal) continue;
		// English label and amount on one line (one script, one baseline); the Urdu label beside the amount.
		const y = pdf.y;
		row([label.en, '', '', amount < 0 ? `-${labels.money(-amount)}` : labels.money(amount)], weight);
		const after = pdf.y;
		pdf.y = y;
		pdf.text(label.ur, { size: 10, weight, align: 'right', direction: 'rtl', indent: cw - columns[1].at - columns[1].width, width: columns[1].width });
		pdf.y = Math.max(after, pdf.y);
	}
	if (invoice.payments.length > 0) {
		pdf.gap(6);
		both(labels.payments, '', 10, 'bold');
		for (const p of invoice.payments) {
			const method = labels.method(p.method);
			row(
				[`${labels.dateText(p.createdAt)} · ${method.en} · ${method.ur}${p.reference ? ` · ${p.reference}` : ''}`, '', '', labels.money(p.amount)],
				'regular',
				9
			);
		}
	}
	return pdf.save();
}
