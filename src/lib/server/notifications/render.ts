import { m } from '../../paraglide/messages.js';
import type { EmailMessage } from './email';
import type { Notice } from './notices';
import type { PushMessage } from './push';
import type { Recipient } from './recipients';

/** Where the patient app lives: the public ORIGIN when configured. */
export function meUrl(origin: string): string {
	return `${origin.replace(/\/+$/, '')}/me`;
}

/** Plain text and simple HTML of the same words, right-to-left for Urdu. */
export function renderEmail(notice: Notice, r: Recipient & { email: string }, origin: string): EmailMessage {
	const locale = { locale: r.locale };
	const url = meUrl(origin);
	const greeting = m.notify_greeting({ name: r.name }, locale);
	const openMe = m.notify_open_me({ url }, locale);
	const sentBy = m.notify_sent_by({ clinic: r.clinic.name }, locale);
	const text = [greeting, '', ...notice.lines, '', openMe, '', sentBy].join('\n');
	const dir = r.locale === 'ur' ? 'rtl' : 'ltr';
	const link = `<a href="${escapeHtml(url)}" dir="ltr">${escapeHtml(url)}</a>`;
	const paragraphs = [greeting, ...notice.lines].map((line) => `<p>${escapeHtml(line)}</p>`);
	const html = [
		`<!doctype html><html lang="${r.locale}" dir="${dir}"><head><meta charset="utf-8"><title>${escapeHtml(notice.subject)}</title></head>`,
		`<body style="font-family: 'Noto Nastaliq Urdu', 'Noto Sans', Arial, sans-serif; line-height: 1.6; color: #1f2933; direction: ${dir}; text-align: ${r.locale === 'ur' ? 'right' : 'left'}">`,
		`<h1 style="font-size: 1.2em">${escapeHtml(r.clinic.name)}</h1>`,
		...paragraphs,
		`<p>${escapeHtml(openMe).replace(escapeHtml(url), link)}</p>`,
		`<p style="color: #616e7c; font-size: 0.9em">${escapeHtml(sentBy)}</p>`,
		'</body></html>'
	].join('\n');
	return { to: r.email, subject: notice.subject, text, html, lang: r.locale, attachments: notice.attachments };
}

/** What the phone shows: the subject and the sentence that says what happened; a tap opens /me. */
export function renderPush(notice: Notice, r: Recipient): PushMessage {
	return { title: notice.subject, body: notice.lines[0] ?? '', url: '/me', tag: notice.tag, lang: r.locale };
}

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
	return value.replace(/[&<>"']/g, (c) => entities[c]);
}
