import QRCode from 'qrcode';
import { MUTED, PdfWriter, type Paper } from '../print/pdf';
import type { PrescriptionSheet } from './sheet';

export type PdfLabels = { patient: string; doctor: string; date: string; visit: string; signature: string; dateText: string; allergies: string };

/**
 * The prescription as a PDF (A5 unless asked for A4), typeset by `print/` so its Urdu
 * instructions read as the screen shows them: the clinic, the visit's reference with its QR code,
 * patient, doctor, date, recorded allergies, then each medicine with its English and Urdu
 * instructions, and a line for the signature.
 */
export async function prescriptionPdf(sheet: PrescriptionSheet, labels: PdfLabels, paper: Paper = 'A5'): Promise<Uint8Array> {
	const pdf = await PdfWriter.create(paper, { title: `${sheet.clinic.name} · ${sheet.visit.ref}`, lang: 'en' });
	const qr = await QRCode.toBuffer(sheet.visit.ref, { type: 'png', margin: 0, width: 240, errorCorrectionLevel: 'M' });
	const qrSize = paper === 'A5' ? 54 : 66;
	await pdf.imageTopRight(qr, qrSize);
	const besideQr = pdf.contentWidth - qrSize - 10;
	const top = pdf.y;
	pdf.text(sheet.clinic.name, { size: paper === 'A5' ? 15 : 18, weight: 'bold', align: 'left', width: besideQr });
	if (sheet.clinic.tagline) pdf.text(sheet.clinic.tagline, { size: 9, align: 'left', width: besideQr, color: MUTED });
	pdf.text(sheet.clinic.city, { size: 9, align: 'left', width: besideQr, color: MUTED });
	pdf.text(sheet.visit.ref, { size: 9, align: 'left', width: besideQr, direction: 'ltr' });
	pdf.y = Math.max(pdf.y, top + qrSize) + 4;
	pdf.rule();
	const facts: [string, string][] = [
		[labels.patient, `${sheet.patient.name} (${sheet.patient.ref})`],
		[labels.doctor, sheet.doctor],
		[labels.date, labels.dateText]
	];
	for (const [label, value] of facts) pdf.text(`${label}: ${value}`, { size: 10 });
	if (sheet.allergies.length > 0) {
		pdf.text(`${labels.allergies}: ${sheet.allergies.map((a) => `${a.substance} (${a.severity})`).join(', ')}`, { size: 10, weight: 'bold' });
	}
	pdf.gap(4);
	pdf.text('℞', { size: 18, weight: 'bold', align: 'left' });
	sheet.prescription.lines.forEach((line, i) => {
		pdf.ensure(60);
		pdf.text(`${i + 1}. ${line.genericName} ${line.strength} (${line.form})`, { size: 11, weight: 'bold', align: 'left', direction: 'ltr' });
		pdf.text(`${line.dose} · ${line.frequency} · ${line.durationDays} d · #${line.quantity}${line.route ? ` · ${line.route}` : ''}`, {
			size: 10,
			align: 'left',
			direction: 'ltr',
			indent: 14
		});
		if (line.instructions) pdf.text(line.instructions, { size: 10, align: 'left', direction: 'ltr', indent: 14, color: MUTED });
		if (line.instructionsUr) pdf.text(line.instructionsUr, { size: 11, direction: 'rtl', indent: 14 });
		pdf.gap(6);
	});
	pdf.gap(24);
	pdf.ensure(30);
	pdf.text('______________________', { size: 10, align: 'right' });
	pdf.text(`${labels.signature} · ${sheet.doctor}`, { size: 9, align: 'right', color: MUTED });
	return pdf.save();
}
