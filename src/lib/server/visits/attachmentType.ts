import { MAX_DOCUMENT_BYTES, safeFileName, sniffDocumentType } from '../patients/fileType';

/**
 * What a chart attachment really is, read from its first bytes (the browser's type and the file
 * name are only claims): a photo (JPEG, PNG, WebP), a PDF (an outside lab report), or a voice note
 * recorded in the browser (WebM or Ogg from Chromium and Firefox, MP4 from Safari).
 */
export const ATTACHMENT_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf', 'audio/webm', 'audio/ogg', 'audio/mp4'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

/** The same limit as the patient's documents: a phone photo, a scanned report, a few minutes of speech. */
export const MAX_ATTACHMENT_BYTES = MAX_DOCUMENT_BYTES;

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

const startsWith = (bytes: Uint8Array, signature: number[], offset = 0) =>
	bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);

/** Whether `needle` occurs within the first `within` bytes (the EBML header names its DocType there). */
function occursEarly(bytes: Uint8Array, needle: number[], within: number): boolean {
	const end = Math.min(bytes.length, within) - needle.length;
	for (let i = 0; i <= end; i++) if (startsWith(bytes, needle, i)) return true;
	return false;
}

export function sniffAttachmentType(bytes: Uint8Array): AttachmentType | null {
	const document = sniffDocumentType(bytes);
	if (document) return document;
	if (startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3]) && occursEarly(bytes, ascii('webm'), 64)) return 'audio/webm';
	if (startsWith(bytes, ascii('OggS'))) return 'audio/ogg';
	if (startsWith(bytes, ascii('ftyp'), 4)) return 'audio/mp4';
	return null;
}

export type AttachmentKind = 'photo' | 'voice_note' | 'lab_report' | 'referral_letter' | 'other';

/** The document kind an attachment is stored as: decided by what it is; a PDF may say which paper it is. */
export function attachmentKind(type: AttachmentType, pdfKind: 'lab_report' | 'referral_letter' | 'other' | undefined): AttachmentKind {
	if (type.startsWith('image/')) return 'photo';
	if (type.startsWith('audio/')) return 'voice_note';
	return pdfKind ?? 'other';
}

const EXTENSION: Record<AttachmentType, string> = {
	'image/jpeg': 'jpg',
	'image/png': 'png',
	'image/webp': 'webp',
	'application/pdf': 'pdf',
	'audio/webm': 'webm',
	'audio/ogg': 'ogg',
	'audio/mp4': 'm4a'
};

/** A safe name with the extension of what the file really is; a voice note without a name is `voice-note`. */
export const attachmentFileName = (name: string, type: AttachmentType) =>
	safeFileName(name, EXTENSION[type], type.startsWith('audio/') ? 'voice-note' : 'attachment');
