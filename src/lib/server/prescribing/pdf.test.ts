import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import { prescriptionPdf } from './pdf';
import type { PrescriptionSheet } from './sheet';

const line = (n: number) => ({
	id: `l${n}`,
	medicineId: `m${n}`,
	genericName: n === 1 ? 'Amoxicillin' : 'Paracetamol',
	form: n === 1 ? 'capsule' : 'tablet',
	strength: n === 1 ? '500 mg' : '500 mg',
	dose: '1 capsule',
	frequency: '1+0+1',
	durationDays: 5,
	route: 'oral',
	instructions: 'One capsule in the morning and one at night, after meals, for 5 days.',
	instructionsUr: 'ایک کیپسول صبح اور ایک رات کو، کھانے کے بعد، 5 دن تک۔',
	quantity: 10,
	inStock: 0
});

const sheet = (lines: number): PrescriptionSheet => ({
	clinic: { name: 'Shifa Clinic', code: 'SHF01', color: null, tagline: 'Family practice', city: 'Lahore', timezone: 'Asia/Karachi' },
	visit: { id: 'v', ref: 'SHF01-V1001', status: 'completed', startedAt: '2026-12-06T10:00:00Z', doctorId: 'd' },
	doctor: 'Dr Ayesha Khan',
	patient: { id: 'p', name: 'بلال احمد', ref: 'SHF01-P1000', dateOfBirth: '1990-01-01', sex: 'male' },
	allergies: [{ substance: 'Sulfonamides', severity: 'severe', reaction: 'rash' }],
	prescription: {
		id: 'rx',
		visitId: 'v',
		visitStatus: 'completed',
		issuedAt: null,
		urgent: false,
		lines: Array.from({ length: lines }, (_, i) => line(i + 1)),
		warnings: []
	},
	canWrite: false,
	qrSvg: ''
});

const labels = {
	patient: 'Patient',
	doctor: 'Doctor',
	date: 'Date',
	visit: 'Visit',
	signature: "Doctor's signature",
	dateText: '6 December 2026',
	allergies: 'Allergies'
};

describe('the prescription PDF', () => {
	it('is one A5 page for a short prescription, titled with the clinic and the visit', async () => {
		const bytes = await prescriptionPdf(sheet(2), labels);
		if (process.env.PDF_CHECK_DIR) writeFileSync(`${process.env.PDF_CHECK_DIR}/prescription.pdf`, bytes);
		const read = await PDFDocument.load(bytes);
		expect(read.getPageCount()).toBe(1);
		expect(read.getPage(0).getSize().height).toBeCloseTo(595.28, 1);
		expect(read.getTitle()).toBe('Shifa Clinic · SHF01-V1001');
	});

	it('runs onto more pages for a long one, and prints on A4 when asked', async () => {
		expect((await PDFDocument.load(await prescriptionPdf(sheet(12), labels))).getPageCount()).toBeGreaterThan(1);
		const a4 = await PDFDocument.load(await prescriptionPdf(sheet(2), labels, 'A4'));
		expect(a4.getPage(0).getSize().width).toBeCloseTo(595.28, 1);
	});
});
