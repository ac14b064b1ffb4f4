import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readRichText, writePlainText } from './richText';

describe('the chart’s rich text on the server', () => {
	it('writes plain text as paragraphs and reads it back with blank lines between blocks', () => {
		const doc = new Y.Doc();
		const fragment = doc.getXmlFragment('symptoms');
		doc.transact(() => writePlainText(fragment, 'Fever for 3 days\n\nCough at night'));
		const read = readRichText(fragment);
		expect(read.text).toBe('Fever for 3 days\n\nCough at night');
		expect(read.rich).toMatchObject({ type: 'doc', content: [{ type: 'paragraph' }, { type: 'paragraph' }] });
	});

	it('replaces what was there, and reads an empty section as empty text', () => {
		const doc = new Y.Doc();
		const fragment = doc.getXmlFragment('plan');
		doc.transact(() => writePlainText(fragment, 'First'));
		doc.transact(() => writePlainText(fragment, 'Second'));
		expect(readRichText(fragment).text).toBe('Second');
		expect(readRichText(doc.getXmlFragment('advice')).text).toBe('');
	});
});
