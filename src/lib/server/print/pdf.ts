import { PDFDocument, rgb, type PDFPage, type RGB } from 'pdf-lib';
import { isRightToLeft, wrapParagraph, type Weight } from './shaping';

export type Paper = 'A4' | 'A5';

/** Paper sizes in points (1/72 inch), portrait. */
export const PAPER: Record<Paper, { width: number; height: number }> = {
	A4: { width: 595.28, height: 841.89 },
	A5: { width: 419.53, height: 595.28 }
};

export type TextOptions = {
	size?: number;
	weight?: Weight;
	/** `start` follows the text's own direction: left for English, right for Urdu. */
	align?: 'start' | 'end' | 'left' | 'right' | 'center';
	direction?: 'ltr' | 'rtl' | 'auto';
	color?: RGB;
	/** Space from the left margin (or, for right-aligned text, the right margin), in points. */
	indent?: number;
	/** Width to wrap in; the page between the margins (less the indent) when absent. */
	width?: number;
	/** Extra space under the paragraph. */
	after?: number;
};

export const INK = rgb(0.12, 0.16, 0.2);
export const MUTED = rgb(0.38, 0.42, 0.47);

/**
 * A PDF written top to bottom, the way a printed clinic document reads: paragraphs wrap to the
 * page, a new page starts when the space runs out. Text goes through `shaping.ts` (HarfBuzz and
 * the bidi algorithm) and is drawn as outlines, so Urdu prints as it shows on screen.
 */
export class PdfWriter {
	private page: PDFPage;
	/** Distance from the top edge of the page to where the next thing goes. */
	y: number;
	readonly width: number;
	readonly height: number;

	private constructor(
		private readonly doc: PDFDocument,
		readonly paper: Paper,
		readonly margin: number
	) {
		const { width, height } = PAPER[paper];
		this.width = width;
		this.height = height;
		this.page = doc.addPage([width, height]);
		this.y = margin;
	}

	static async create(paper: Paper, options: { margin?: number; title?: string; lang?: string } = {}): Promise<PdfWriter> {
		const doc = await PDFDocument.create();
		if (options.title) doc.setTitle(options.title);
		if (options.lang) doc.setLanguage(options.lang);
		doc.setProducer('Tabeeb');
		doc.setCreator('Tabeeb');
		return new PdfWriter(doc, paper, options.margin ?? (paper === 'A5' ? 28 : 40));
	}

	/** The width between the margins. */
	get contentWidth(): number {
		return this.width - 2 * this.margin;
	}

	/** Starts a new page when fewer than `needed` points are left above the bottom margin. */
	ensure(needed: number): void {
		if (this.y + needed <= this.height - this.margin) return;
		this.page = this.doc.addPage([this.width, this.height]);
		this.y = this.margin;
	}

	/** A paragraph: wrapped, aligned, and drawn line by line. Returns the height it took. */
	text(text: string, options: TextOptions = {}): number {
		const size = options.size ?? 10;
		const indent = options.indent ?? 0;
		const width = options.width ?? this.contentWidth - indent;
		const rtl = options.direction === 'rtl' || (options.direction !== 'ltr' && isRightToLeft(text));
		const align = options.align ?? 'start';
		const right = align === 'right' || (align === 'start' && rtl) || (align === 'end' && !rtl);
		const startY = this.y;
		for (const line of wrapParagraph(text, width, size, options.weight ?? 'regular', options.direction ?? 'auto')) {
			const height = line.ascent + line.descent;
			this.ensure(height);
			const left =
				align === 'center' ? this.margin + indent + (width - line.width) / 2 : right ? this.width - this.margin - indent - line.width : this.margin + indent;
			const baseline = this.height - (this.y + line.ascent);
			if (line.path) this.page.drawSvgPath(line.path, { x: left, y: baseline, color: options.color ?? INK, borderWidth: 0 });
			this.y += height;
		}
		this.y += options.after ?? 0;
		return this.y - startY;
	}

	/** Vertical space. */
	gap(points: number): void {
		this.y += points;
	}

	/** A thin line across the page. */
	rule(color: RGB = rgb(0.8, 0.83, 0.86)): void {
		this.ensure(6);
		const y = this.height - this.y - 3;
		this.page.drawLine({ start: { x: this.margin, y }, end: { x: this.width - this.margin, y }, thickness: 0.6, color });
		this.y += 6;
	}

	/**
	 * Bars across the page, `height` points tall: for each period its values side by side, each
	 * series in its colour, scaled to the largest value; a baseline under them. Moves the flow down.
	 */
	bars(periods: readonly (readonly number[])[], colors: readonly RGB[], height: number): void {
		this.ensure(height + 4);
		const top = this.height - this.y;
		const bottom = top - height;
		const high = Math.max(1, ...periods.flat());
		const slot = this.contentWidth / Math.max(1, periods.length);
		const width = (slot * 0.8) / Math.max(1, colors.length);
		periods.forEach((values, i) => {
			values.forEach((value, k) => {
				const h = (height * Math.max(0, value)) / high;
				if (h > 0) this.page.drawRectangle({ x: this.margin + i * slot + slot * 0.1 + k * width, y: bottom, width, height: h, color: colors[k] });
			});
		});
		this.page.drawLine({ start: { x: this.margin, y: bottom }, end: { x: this.width - this.margin, y: bottom }, thickness: 0.6, color: MUTED });
		this.y += height + 4;
	}

	/** A PNG at the top right of the current position (a QR code beside the heading), not moving the flow. */
	async imageTopRight(png: Uint8Array, size: number): Promise<void> {
		const image = await this.doc.embedPng(png);
		this.page.drawImage(image, { x: this.width - this.margin - size, y: this.height - this.y - size, width: size, height: size });
	}

	async save(): Promise<Uint8Array> {
		return this.doc.save();
	}
}
