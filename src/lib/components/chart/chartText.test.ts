import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CHART_MAP } from '$lib/sync/contracts/chart';
import { chartTexts, fragmentText, lateText } from './chartText';

/** A paragraph of the StarterKit schema as y-tiptap writes it: an XmlElement holding XmlText. */
function paragraph(fragment: Y.XmlFragment, text: string, bold = '') {
	const p = new Y.XmlElement('paragraph');
	const t = new Y.XmlText();
	p.insert(0, [t]);
	fragment.push([p]);
	t.insert(0, text);
	if (bold) t.insert(text.length, bold, { bold: true });
}

describe('the chart’s text in the browser', () => {
	it('reads a rich section one line per paragraph, formatting dropped, nested lists included', () => {
		const doc = new Y.Doc();
		const notes = doc.getXmlFragment('symptoms');
		paragraph(notes, 'Headache ', 'since Monday');
		const list = new Y.XmlElement('bulletList');
		const item = new Y.XmlElement('listItem');
		notes.push([list]);
		list.push([item]);
		paragraph(item as unknown as Y.XmlFragment, 'Nausea');
		paragraph(notes, '   ');
		expect(fragmentText(notes)).toBe('Headache since Monday\nNausea');
	});

	it('finds what was typed here that the completed record does not hold, under where it was typed', () => {
		const doc = new Y.Doc();
		paragraph(doc.getXmlFragment('symptoms'), 'Headache for three days');
		paragraph(doc.getXmlFragment('symptoms'), 'Vomited twice this morning');
		paragraph(doc.getXmlFragment('plan'), 'Review in a week');
		doc.getMap(CHART_MAP.fields).set('complaint', 'Headache');
		const local = chartTexts(doc);
		const label = (where: string) => `[${where}]`;
		const record = 'Headache\nheadache  for three DAYS\nReview in a week';
		expect(lateText(local, record, label)).toBe('[symptoms]: Vomited twice this morning');
		expect(lateText(local, `${record}\nVomited twice this morning`, label)).toBe('');
	});
});
