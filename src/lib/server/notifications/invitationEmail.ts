import { and, eq, isNull } from 'drizzle-orm';
import { appUser, clinic, staffInvitation } from '../db/schema';
import { m } from '../../paraglide/messages.js';
import { formatLocale } from '../../i18n/formatLocale';
import type { DeliverableEvent, DeliveryDeps, DeliveryResult } from './deliver';
import type { OutboxPayloads } from './events';
import { escapeHtml } from './render';

/**
 * The one notice that goes to a staff member rather than a patient: the link to set their
 * password and join (tenancy/invitations.ts). Email only, in the language of their account; an
 * invitation already used or replaced by a newer one is not sent.
 */
export async function deliverInvitation(deps: DeliveryDeps, payload: OutboxPayloads['member.invited'], row: DeliverableEvent): Promise<DeliveryResult> {
	if (row.deliveredTo.some((key) => key === 'email' || key === 'email:log')) return { done: [], errors: [] };
	const [found] = await deps.db
		.select({ email: appUser.email, name: appUser.name, locale: appUser.locale, clinicName: clinic.name })
		.from(staffInvitation)
		.innerJoin(appUser, eq(appUser.id, staffInvitation.userId))
		.innerJoin(clinic, eq(clinic.id, staffInvitation.clinicId))
		.where(and(eq(staffInvitation.id, payload.invitationId), isNull(staffInvitation.usedAt), isNull(staffInvitation.revokedAt)));
	if (!found) return { done: [], errors: [] };
	const locale = found.locale === 'ur' ? 'ur' : 'en';
	const options = { locale } as const;
	const url = `${deps.origin.replace(/\/$/, '')}/invite/${payload.token}`;
	const until = new Intl.DateTimeFormat(formatLocale(locale), { dateStyle: 'long' }).format(new Date(payload.expiresAt));
	const subject = m.invite_email_subject({ clinic: found.clinicName }, options);
	const lines = [
		m.notify_greeting({ name: found.name }, options),
		m.invite_email_body({ clinic: found.clinicName }, options),
		m.invite_email_link({ url }, options),
		m.invite_email_expiry({ date: until }, options)
	];
	const dir = locale === 'ur' ? 'rtl' : 'ltr';
	const link = `<a href="${escapeHtml(url)}" dir="ltr">${escapeHtml(url)}</a>`;
	const html = [
		`<!doctype html><html lang="${locale}" dir="${dir}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
		`<body style="font-family: 'Noto Nastaliq Urdu', 'Noto Sans', Arial, sans-serif; line-height: 1.6; color: #1f2933; direction: ${dir}">`,
		`<h1 style="font-size: 1.2em">${escapeHtml(found.clinicName)}</h1>`,
		...lines.map((line) => `<p>${escapeHtml(line).replace(escapeHtml(url), link)}</p>`),
		'</body></html>'
	].join('\n');
	try {
		const outcome = await deps.mailer.send({ to: found.email, subject, text: lines.join('\n\n'), html, lang: locale, attachments: [] });
		return { done: [outcome === 'logged' ? 'email:log' : 'email'], errors: [] };
	} catch (e) {
		return { done: [], errors: [`email: ${e instanceof Error ? e.message : String(e)}`] };
	}
}
