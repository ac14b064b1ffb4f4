import { getSchema } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import { prosemirrorJSONToYXmlFragment, yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap';
import type { Schema } from '@tiptap/pm/model';
import type * as Y from 'yjs';

/**
 * The chart's rich text on the server, without a DOM: the schema the chart screen's editor uses
 * (StarterKit), read from and written to the Yjs fragments as y-tiptap does in the browser.
 */
let schema: Schema | null = null;

export function chartSchema(): Schema {
	schema ??= getSchema([StarterKit]);
	return schema;
}

export type RichText = { text: string; rich: unknown };

/** A section as plain text (blocks separated by a blank line) beside its ProseMirror JSON. */
export function readRichText(fragment: Y.XmlFragment): RichText {
	const node = yXmlFragmentToProseMirrorRootNode(fragment, chartSchema());
	return { text: node.textBetween(0, node.content.size, '\n\n', '\n').trim(), rich: node.toJSON() };
}

/** Replaces a section's content with plain text: one paragraph per line (blank lines are dropped). */
export function writePlainText(fragment: Y.XmlFragment, text: string): void {
	const paragraphs = text
		.split(/\r?\n/)
		.map((line) => line.trim())
		.filter((line) => line.length > 0)
		.map((line) => ({ type: 'paragraph', content: [{ type: 'text', text: line }] }));
	const doc = { type: 'doc', content: paragraphs.length > 0 ? paragraphs : [{ type: 'paragraph' }] };
	fragment.delete(0, fragment.length);
	prosemirrorJSONToYXmlFragment(chartSchema(), doc, fragment);
}
