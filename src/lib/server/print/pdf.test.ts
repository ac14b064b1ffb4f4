import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import { PdfWriter } from './pdf';
import { paragraphLevels, shapeLine, visualOrder, wrapParagraph } from './shaping';

describe('bidi ordering of runs (rule L2)', () => {
	it('keeps a left-to-right line in order and reverses a right-to-left one', () => {
		const runs = (levels: number[]) => levels.map((level, i) => ({ level, i }));
		expect(visualOrder(runs([0, 0])).map((r) => r.i)).toEqual([0, 1]);
		expect(visualOrder(runs([1, 1])).map((r) => r.i)).toEqual([1, 0]);
		// Urdu with English and a number inside: the Latin runs keep their place between the Urdu ones, read right to left.
		expect(visualOrder(runs([1, 2, 1, 2, 1])).map((r) => r.i)).toEqual([4, 3, 2, 1, 0]);
		// English with an Urdu phrase holding a number: the number stays left of the Urdu it follows.
		expect(visualOrder(runs([0, 1, 2, 1, 0])).map((r) => r.i)).toEqual([0, 3, 2, 1, 4]);
	});

	it('gives Urdu odd levels and English even ones', () => {
		const text = 'Amoxicillin دن میں دو بار 5 دن';
		const levels = paragraphLevels(text, 'rtl');
		expect(levels[0] % 2).toBe(0);
		expect(levels[text.indexOf('دن')] % 2).toBe(1);
	});
});

describe('shaping', () => {
	it('joins Urdu letters (fewer glyph outlines than letters would need unjoined) and measures lines', () => {
		const text = 'کھانے کے بعد';
		const line = shapeLine(text, paragraphLevels(text), 0, text.length, 12);
		expect(line.width).toBeGreaterThan(20);
		expect(line.path.length).toBeGreaterThan(100);
		expect(line.ascent).toBeGreaterThan(12);
	});

	it('wraps a long paragraph into lines no wider than asked', () => {
		const text = 'Take one tablet twice a day after meals for five days, and drink plenty of water while taking it.';
		const lines = wrapParagraph(text, 150, 10);
		expect(lines.length).toBeGreaterThan(2);
		for (const line of lines) expect(line.width).toBeLessThanOrEqual(150);
		expect(wrapParagraph('   ', 150, 10)).toEqual([]);
	});
});

describe('the PDF writer', () => {
	it('writes an A5 page with English and Urdu that a PDF reader opens', async () => {
		const pdf = await PdfWriter.create('A5', { title: 'Test', lang: 'ur' });
		pdf.text('Shifa Clinic', { size: 16, weight: 'bold' });
		pdf.text('Dr Ayesha Khan · General physician', { size: 10 });
		pdf.rule();
		pdf.text('1. Amoxicillin 500 mg capsule — 1 capsule, 1+0+1, 5 days', { size: 10, weight: 'bold' });
		pdf.text('ایک کیپسول دن میں دو بار، کھانے کے بعد، 5 دن تک', { size: 11 });
		pdf.text('Paracetamol 500 mg: دو گولیاں ضرورت کے وقت (زیادہ سے زیادہ 4 بار روزانہ)', { size: 11, direction: 'rtl' });
		const bytes = await pdf.save();
		if (process.env.PDF_CHECK_DIR) writeFileSync(`${process.env.PDF_CHECK_DIR}/writer.pdf`, bytes);
		const read = await PDFDocument.load(bytes);
		expect(read.getPageCount()).toBe(1);
		expect(read.getPage(0).getSize().width).toBeCloseTo(419.53, 1);
		expect(read.getTitle()).toBe('Test');
	});

	it('starts a new page when the text runs past the bottom margin', async () => {
		const pdf = await PdfWriter.create('A5');
		for (let i = 0; i < 60; i++) pdf.text(`Line ${i} of a long list of medicines`, { size: 12 });
		const read = await PDFDocument.load(await pdf.save());
		expect(read.getPageCount()).toBeGreaterThan(1);
	});
});
