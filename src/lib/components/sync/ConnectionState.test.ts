import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import ConnectionState from './ConnectionState.svelte';

const shown = (props: { state: 'refused' | 'live'; reason?: 'document-full' | 'too-many-documents' | 'forbidden' | null }) =>
	render(ConnectionState, { props }).body;

describe('the connection state', () => {
	it('tells the person the notes are full when the server refused an edit for that reason', () => {
		expect(shown({ state: 'refused', reason: 'document-full' })).toContain('These notes are full: new changes are not saved');
	});

	it('tells the person to close tabs when they hold too many documents', () => {
		expect(shown({ state: 'refused', reason: 'too-many-documents' })).toContain('Too many pages are open');
	});

	it('keeps the general refusal for other reasons and none', () => {
		expect(shown({ state: 'refused', reason: 'forbidden' })).toContain('Live updates are not available here');
		expect(shown({ state: 'refused' })).toContain('Live updates are not available here');
		expect(shown({ state: 'live', reason: 'document-full' })).not.toContain('full');
	});
});
