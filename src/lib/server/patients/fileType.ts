/**
 * What an uploaded file really is, read from its first bytes. The name and the browser's content
 * type are the uploader's claims; a renamed .exe or an HTML page with a .pdf name must not be
 * stored and served back as a document.
 */
export const DOCUMENT_TYPES = ['application/pdf', 'image/png', 'image/jpeg', 'image/webp'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** The largest document accepted: a phone photo of a report, a scanned referral letter. */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

const startsWith = (bytes: Uint8Array, signature: number[], offset = 0) =>
	bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

export function sniffDocumentType(bytes: Uint8Array): DocumentType | null {
	if (startsWith(bytes, ascii('%PDF-'))) return 'application/pdf';
	if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
	if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
	if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
	return null;
}

const EXTENSION: Record<DocumentType, string> = {
	'application/pdf': 'pdf',
	'image/png': 'png',
	'image/jpeg': 'jpg',
	'image/webp': 'webp'
};

/**
 * A file name safe to show and to put in a download header: no folders, no control or quote
 * characters, at most 120 characters, and an extension that matches what the file really is.
 */
export function cleanFileName(name: string, type: DocumentType): string {
	return safeFileName(name, EXTENSION[type], 'document');
}

/** `cleanFileName` with the extension given: for files that are not patient documents (a chart's voice note). */
export function safeFileName(name: string, extension: string, fallback: string): string {
	const base = (name.split(/[\\/]/).pop() ?? '')
		// eslint-disable-next-line no-control-regex -- control characters are what is removed
		.replace(/[\u0000-\u001f\u007f"<>|:*?]/g, '')
		.trim()
		.slice(0, 120);
	const stem = base.replace(/\.[^.]*$/, '') || fallback;
	return `${stem}.${extension}`;
}
