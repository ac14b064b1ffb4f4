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
 * Writes new content into a projection document, touching only the entries that changed, so
 * clients receive a small update rather than the whole document again.
 */
export function applyProjection(doc: Y.Doc, content: ProjectionContent): boolean {
	const map = doc.getMap<Json>(PROJECTION_MAP);
	let changed = false;
	for (const key of [...map.keys()]) {
		if (!(key in content)) {
			map.delete(key);
			changed = true;
		}
	}
	for (const [key, value] of Object.entries(content)) {
		if (JSON.stringify(map.get(key)) === JSON.stringify(value)) continue;
		map.set(key, value);
		changed = true;
	}
	return changed;
}

/** Reads a projection document back as plain content (tests, Node clients). */
export function readProjection(doc: Y.Doc): ProjectionContent {
	return doc.getMap<Json>(PROJECTION_MAP).toJSON();
}
