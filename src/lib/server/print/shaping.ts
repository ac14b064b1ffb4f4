import * as hb from 'harfbuzzjs';
import bidiFactory from 'bidi-js';
import latinRegular from './fonts/NotoSans-Regular.ttf?inline';
import latinBold from './fonts/NotoSans-Bold.ttf?inline';
import urduRegular from './fonts/NotoNastaliqUrdu-Regular.ttf?inline';
import urduBold from './fonts/NotoNastaliqUrdu-Bold.ttf?inline';

/**
 * Text for PDFs, laid out as Chromium would: HarfBuzz shapes each run (Nastaliq's joining,
 * stacking and kerning), bidi-js orders the runs of mixed Urdu and English (the Unicode
 * Bidirectional Algorithm, line by line after wrapping), and the glyphs are drawn as outlines,
 * so no PDF viewer's own shaping can spoil them. pdf-lib alone draws Urdu unjoined and reverses
 * mixed text; this is why the PDF writer (pdf.ts) takes its lines from here.
 *
 * Fonts are OFL TTFs kept beside this file (fonts/OFL.txt; the screens' @fontsource WOFF files are no use here): Noto Sans for Latin and digits,
 * Noto Nastaliq Urdu for Arabic script. A run is set in the font of its direction: right-to-left
 * runs in Nastaliq, the rest in Noto Sans.
 */

export type Weight = 'regular' | 'bold';
type Script = 'latin' | 'urdu';

type LoadedFont = { font: hb.Font; upem: number; ascender: number; descender: number };

// Inlined by Vite (base64), so the fonts travel with the server bundle wherever it is deployed,
// and load only when a PDF is first made (this module is imported by PDF routes alone).
const files: Record<Script, Record<Weight, string>> = {
	latin: { regular: latinRegular, bold: latinBold },
	urdu: { regular: urduRegular, bold: urduBold }
};

const bytesOf = (dataUrl: string) => Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');

// Constants of the module: the fonts never change while the process runs, and hold nothing to close.
const loaded = new Map<string, LoadedFont>();
function fontFor(script: Script, weight: Weight): LoadedFont {
	const key = `${script}-${weight}`;
	let found = loaded.get(key);
	if (!found) {
		const face = new hb.Face(new hb.Blob(bytesOf(files[script][weight])));
		const font = new hb.Font(face);
		const extents = font.hExtents();
		found = { font, upem: face.upem, ascender: extents.ascender, descender: extents.descender };
		loaded.set(key, found);
	}
	return found;
}

const bidi = bidiFactory();

/**
 * A laid-out line: the outlines of its glyphs as one SVG path in points, from the line's left
 * edge and its baseline (y negated, as pdf-lib's `drawSvgPath` expects); its width, and how far it
 * reaches above and below the baseline.
 */
export type ShapedLine = { path: string; width: number; ascent: number; descent: number };

type Run = { start: number; end: number; level: number };

/** Maximal runs of one embedding level over [start, end) of the text. */
function runsOf(levels: Uint8Array, start: number, end: number): Run[] {
	const runs: Run[] = [];
	for (let i = start; i < end; i++) {
		const last = runs.at(-1);
		if (last && last.level === levels[i] && last.end === i) last.end = i + 1;
		else runs.push({ start: i, end: i + 1, level: levels[i] });
	}
	return runs;
}

/** Rule L2 of the bidi algorithm on whole runs: from the highest level down to the lowest odd one, reverse every sequence at that level or above. */
export function visualOrder<T extends { level: number }>(runs: T[]): T[] {
	const order = [...runs];
	if (order.length === 0) return order;
	const highest = Math.max(...order.map((r) => r.level));
	const lowestOdd = Math.min(...order.map((r) => (r.level % 2 === 1 ? r.level : Infinity)));
	for (let level = highest; level >= lowestOdd && Number.isFinite(lowestOdd); level--) {
		let i = 0;
		while (i < order.length) {
			if (order[i].level < level) {
				i++;
				continue;
			}
			let j = i;
			while (j < order.length && order[j].level >= level) j++;
			order.splice(i, j - i, ...order.slice(i, j).reverse());
			i = j;
		}
	}
	return order;
}

/** A glyph's outline in PDF orientation (y up becomes SVG's y down, which pdf-lib flips back). */
function glyphPath(font: hb.Font, glyph: number, scale: number, dx: number, dy: number): string {
	// Outlines are in font units, y up, from the glyph's origin.
	const parts: string[] = [];
	for (const command of font.glyphToJson(glyph)) {
		const v = command.values;
		const pts: string[] = [];
		for (let k = 0; k + 1 < v.length; k += 2) pts.push(`${(dx + v[k] * scale).toFixed(2)} ${(-(dy + v[k + 1] * scale)).toFixed(2)}`);
		parts.push(command.type + pts.join(' '));
	}
	return parts.join('');
}

function shapeRun(text: string, run: Run, size: number, weight: Weight, x: number): { path: string; advance: number; font: LoadedFont } {
	const rtl = run.level % 2 === 1;
	const loadedFont = fontFor(rtl ? 'urdu' : 'latin', weight);
	const scale = size / loadedFont.upem;
	const buffer = new hb.Buffer();
	buffer.addText(text.slice(run.start, run.end));
	buffer.guessSegmentProperties();
	buffer.setDirection(rtl ? hb.Direction.RTL : hb.Direction.LTR);
	hb.shape(loadedFont.font, buffer);
	const paths: string[] = [];
	let pen = 0;
	for (const g of buffer.getGlyphInfosAndPositions()) {
		paths.push(glyphPath(loadedFont.font, g.codepoint, scale, x + (pen + (g.xOffset ?? 0)) * scale, (g.yOffset ?? 0) * scale));
		pen += g.xAdvance ?? 0;
	}
	return { path: paths.join(''), advance: pen * scale, font: loadedFont };
}

/** The bidi levels of a paragraph: its base direction from `direction`, or from its first strong character. */
export function paragraphLevels(text: string, direction: 'ltr' | 'rtl' | 'auto' = 'auto'): Uint8Array {
	return bidi.getEmbeddingLevels(text, direction === 'auto' ? undefined : direction).levels;
}

/** Lays out [start, end) of a paragraph as one line. */
export function shapeLine(text: string, levels: Uint8Array, start: number, end: number, size: number, weight: Weight = 'regular'): ShapedLine {
	// Trailing spaces take no room at the end of a wrapped line.
	while (end > start && /\s/.test(text[end - 1])) end--;
	const runs = visualOrder(runsOf(levels, start, end));
	const paths: string[] = [];
	let x = 0;
	let ascent = size * 0.8;
	let descent = size * 0.25;
	for (const run of runs) {
		const shaped = shapeRun(text, run, size, weight, x);
		paths.push(shaped.path);
		x += shaped.advance;
		ascent = Math.max(ascent, (shaped.font.ascender * size) / shaped.font.upem);
		descent = Math.max(descent, (-shaped.font.descender * size) / shaped.font.upem);
	}
	return { path: paths.join(''), width: x, ascent, descent };
}

/**
 * A paragraph wrapped to `width` points: greedy, breaking at spaces (a word longer than the line
 * stays whole on its own line). Each line is laid out on its own, as the bidi algorithm requires.
 */
export function wrapParagraph(text: string, width: number, size: number, weight: Weight = 'regular', direction: 'ltr' | 'rtl' | 'auto' = 'auto'): ShapedLine[] {
	const clean = text.replace(/[\r\n\t]+/g, ' ');
	if (clean.trim() === '') return [];
	const levels = paragraphLevels(clean, direction);
	const breaks: number[] = [];
	for (let i = 0; i < clean.length; i++) if (clean[i] === ' ') breaks.push(i + 1);
	breaks.push(clean.length);
	const lines: ShapedLine[] = [];
	let start = 0;
	while (start < clean.length) {
		let best: { end: number; line: ShapedLine } | null = null;
		for (const end of breaks) {
			if (end <= start) continue;
			const line = shapeLine(clean, levels, start, end, size, weight);
			if (best && line.width > width) break;
			best = { end, line };
			if (line.width > width) break;
		}
		if (!best) break;
		lines.push(best.line);
		start = best.end;
		while (start < clean.length && clean[start] === ' ') start++;
	}
	return lines;
}

/** Whether a text is written right to left (its first strong character is Arabic script). */
export function isRightToLeft(text: string): boolean {
	return bidi.getEmbeddingLevels(text).paragraphs[0]?.level === 1;
}
