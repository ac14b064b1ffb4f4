import { m } from '$lib/paraglide/messages.js';
import type { FormError } from '$lib/server/edge/types';
import type { ApiResult } from './api';

/** An attachment as `GET …/visits/{id}/attachments` lists it. */
export type Attachment = {
	id: string;
	kind: string;
	fileName: string;
	contentType: string;
	sizeBytes: number;
	createdAt: string;
	uploadedByName: string | null;
};

/** As the server checks it; the browser checks first so a phone does not send 12 MB to be refused. */
export const MAX_ATTACHMENT_MB = 10;

const isApiError = (v: unknown): v is FormError =>
	typeof v === 'object' && v !== null && typeof Reflect.get(v, 'code') === 'string' && typeof Reflect.get(v, 'message') === 'string';

const isAttachment = (v: unknown): v is Attachment =>
	typeof v === 'object' && v !== null && typeof Reflect.get(v, 'id') === 'string' && typeof Reflect.get(v, 'contentType') === 'string';

const attachmentsPath = (clinicCode: string, visitId: string) => `/api/v1/clinics/${encodeURIComponent(clinicCode)}/visits/${visitId}/attachments`;

/** Where an attachment's bytes are served (for `<img>`, `<audio>` and links). */
export const attachmentUrl = (clinicCode: string, visitId: string, id: string) => `${attachmentsPath(clinicCode, visitId)}/${id}`;

/** The visit's attachments, or null when they cannot be read now (offline: keep what is shown). */
export async function listAttachments(clinicCode: string, visitId: string): Promise<Attachment[] | null> {
	try {
		const response = await fetch(attachmentsPath(clinicCode, visitId), { headers: { accept: 'application/json' } });
		const body: unknown = response.ok ? await response.json() : null;
		const list: unknown = body && typeof body === 'object' ? Reflect.get(body, 'attachments') : null;
		return Array.isArray(list) ? list.filter(isAttachment) : null;
	} catch {
		return null;
	}
}

/** Sends one file (a photo, a PDF, a recorded voice note) with a key, so a retry never attaches it twice. */
export async function uploadAttachment(
	clinicCode: string,
	visitId: string,
	file: Blob,
	fileName: string,
	idempotencyKey: string
): Promise<ApiResult<Attachment>> {
	if (file.size > MAX_ATTACHMENT_MB * 1024 * 1024) {
		return { ok: false, status: 413, error: { code: 'file_too_large', message: m.error_file_too_large({ max: String(MAX_ATTACHMENT_MB) }) } };
	}
	const form = new FormData();
	form.append('file', file, fileName);
	form.append('idempotencyKey', idempotencyKey);
	let response: Response;
	try {
		response = await fetch(attachmentsPath(clinicCode, visitId), { method: 'POST', headers: { accept: 'application/json' }, body: form });
	} catch {
		return { ok: false, status: 0, error: { code: 'offline', message: m.chart_error_offline() } };
	}
	const parsed: unknown = await response.json().catch(() => null);
	if (response.ok && isAttachment(parsed)) return { ok: true, body: parsed };
	const error: unknown = parsed && typeof parsed === 'object' ? Reflect.get(parsed, 'error') : null;
	return { ok: false, status: response.status, error: isApiError(error) ? error : { code: 'internal', message: m.error_internal() } };
}
