import * as Y from 'yjs';
import { RICH_SECTIONS, readChartPlain, type RichSection } from '$lib/sync/contracts/chart';

/** The text of a rich section, one line per paragraph (or list item, heading …), formatting dropped. */
export function fragmentText(fragment: Y.XmlFragment): string {
	const lines: string[] = [];
	const walk = (node: Y.XmlElement | Y.XmlText | Y.XmlFragment | Y.XmlHook, line: string[]): void => {
		if (node instanceof Y.XmlText) {
			for (const op of node.toDelta() as { insert?: unknown }[]) if (typeof op.insert === 'string') line.push(op.insert);
			return;
		}
		if (node instanceof Y.XmlHook) return;
		const children = node.toArray();
		const leafBlock = children.some((c) => c instanceof Y.XmlText);
		if (leafBlock) {
			const own: string[] = [];
			for (const child of children) walk(child, own);
			const text = own.join('').trim();
			if (text) lines.push(text);
			return;
		}
		for (const child of children) walk(child, line);
	};
	walk(fragment, []);
	return lines.join('\n');
}

/** Every piece of text a chart document holds, by where it was written. */
export function chartTexts(doc: Y.Doc): Record<string, string> {
	const { fields, diagnoses } = readChartPlain(doc);
	const texts: Record<string, string> = {
		complaint: [fields.complaint, fields.complaintDuration].filter(Boolean).join('\n'),
		reason: fields.reason ?? '',
		followUpNote: fields.followUpNote ?? '',
		diagnoses: diagnoses.map((d) => (d.code ? `${d.code} ${d.title}` : d.title)).join('\n')
	};
	for (const section of RICH_SECTIONS) texts[section] = fragmentText(doc.getXmlFragment(section));
	return texts;
}

const normalise = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * What this browser kept of the chart that the completed snapshot does not contain: each line
 * written here that appears nowhere in the snapshot's text, under the heading of where it was
 * written. Empty when everything typed here made it into the record.
 */
export function lateText(local: Record<string, string>, snapshotText: string, label: (section: RichSection | string) => string): string {
	const record = normalise(snapshotText);
	const parts: string[] = [];
	for (const [where, text] of Object.entries(local)) {
		const missing = text
			.split('\n')
			.map((line) => line.trim())
			.filter((line) => line && !record.includes(normalise(line)));
		if (missing.length) parts.push(`${label(where)}: ${missing.join('\n')}`);
	}
	return parts.join('\n\n');
}
