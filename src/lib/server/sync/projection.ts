import * as Y from 'yjs';
import { PROJECTION_MAP, type DocumentRef, type DocumentType } from '../../sync/protocol';
import type { Db } from '../db';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** What a projection holds: top-level entries of the document's projection map. */
export type ProjectionContent = Record<string, Json>;

/**
 * Builds a projection's whole content from Postgres. Pure apart from its reads, so the server
 * can rebuild a document at any time and get the same answer for the same rows.
 */
export type ProjectionBuilder = (db: Db, ref: DocumentRef) => Promise<ProjectionContent>;

export type ProjectionRegistry = Partial<Record<DocumentType, ProjectionBuilder>>;

/**
 * Writes new content into a projection document, touching only what changed, so clients receive
 * a small update rather than the whole document again. Top-level arrays live in `Y.Array`s and
 * are patched element by element: one new token in a queue of a hundred sends that token (and
 * any whose estimate moved), not the whole list.
 */
export function applyProjection(doc: Y.Doc, content: ProjectionContent): boolean {
	const map = doc.getMap<Json | Y.Array<Json>>(PROJECTION_MAP);
	let changed = false;
	doc.transact(() => {
		for (const key of [...map.keys()]) {
			if (!(key in content)) {
				map.delete(key);
				changed = true;
			}
		}
		for (const [key, value] of Object.entries(content)) {
			const current = map.get(key);
			if (Array.isArray(value)) {
				if (current instanceof Y.Array) {
					changed = patchArray(current, value) || changed;
				} else {
					const list = new Y.Array<Json>();
					list.insert(0, value);
					map.set(key, list);
					changed = true;
				}
				continue;
			}
			if (!(current instanceof Y.Array) && JSON.stringify(current) === JSON.stringify(value)) continue;
			map.set(key, value);
			changed = true;
		}
	});
	return changed;
}

/**
 * Makes `target` hold `next`, keeping the elements that are equal at the same place: the common
 * head and tail stay, the middle is compared position by position, and only a change in length
 * inserts or deletes. Equality is by JSON, as the elements are plain values.
 */
function patchArray(target: Y.Array<Json>, next: Json[]): boolean {
	const old = target.toArray().map((item) => JSON.stringify(item));
	const fresh = next.map((item) => JSON.stringify(item));
	let head = 0;
	while (head < old.length && head < fresh.length && old[head] === fresh[head]) head++;
	let tail = 0;
	while (tail < old.length - head && tail < fresh.length - head && old[old.length - 1 - tail] === fresh[fresh.length - 1 - tail]) tail++;
	const oldMiddle = old.length - head - tail;
	const newMiddle = fresh.length - head - tail;
	if (oldMiddle === 0 && newMiddle === 0) return false;
	const shared = Math.min(oldMiddle, newMiddle);
	for (let i = head; i < head + shared; i++) {
		if (old[i] === fresh[i]) continue;
		target.delete(i, 1);
		target.insert(i, [next[i]]);
	}
	if (newMiddle > oldMiddle) target.insert(head + shared, next.slice(head + shared, head + newMiddle));
	else if (oldMiddle > newMiddle) target.delete(head + shared, oldMiddle - newMiddle);
	return true;
}

/** Reads a projection document back as plain content (tests, Node clients). */
export function readProjection(doc: Y.Doc): ProjectionContent {
	return doc.getMap<Json>(PROJECTION_MAP).toJSON();
}
