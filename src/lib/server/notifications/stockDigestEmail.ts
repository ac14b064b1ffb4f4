import { and, eq, inArray } from 'drizzle-orm';
import { appUser, clinic, membership } from '../db/schema';
import { m } from '../../paraglide/messages.js';
import { formatLocale } from '../../i18n/formatLocale';
import { DIGEST_BANDS, digestIsEmpty, stockDigestOf, type StockDigest } from '../pharmacy/digest';
import type { DeliverableEvent, DeliveryDeps, DeliveryResult } from './deliver';
import type { OutboxPayloads } from './events';
import { escapeHtml } from './render';

type Locale = 'en' | 'ur';

/** The digest's lines in one language: a heading, then one line per medicine or batch. */
function digestLines(
	digest: StockDigest,
	clinicName: string,
	locale: Locale,
	url: string
): { sections: { title: string; lines: string[] }[]; intro: string; link: string } {
	const options = { locale } as const;
	const numbers = new Intl.NumberFormat(formatLocale(locale));
	const day = (iso: string) => new Intl.DateTimeFormat(formatLocale(locale), { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));
	const sections: { title: string; lines: string[] }[] = [];
	if (digest.low.length > 0)
		sections.push({
			title: m.inv_digest_low_title({}, options),
			lines: digest.low.map((l) =>
				m.inv_digest_low_line({ name: l.name, dispensable: numbers.format(l.dispensable), unit: l.unit, level: numbers.format(l.reorderLevel) }, options)
			)
		});
	for (const band of DIGEST_BANDS) {
		const batches = digest.expiring.filter((b) => b.band === band);
		if (batches.length === 0) continue;
		sections.push({
			title: band === 'expired' ? m.inv_digest_expired_title({}, options) : m.inv_digest_band_title({ days: numbers.format(band) }, options),
			lines: batches.map((b) =>
				m.inv_digest_batch_line({ name: b.name, batch: b.batchNumber, count: numbers.format(b.onHand), expiry: day(b.expiry) }, options)
			)
		});
	}
	return {
		intro: m.inv_digest_intro({ clinic: clinicName }, options),
		sections,
		link: m.inv_digest_link({ url }, options)
	};
}

/**
 * The daily stock digest (pharmacy/digest.ts) to each active pharmacist and admin of the clinic,
 * in the language of their account, composed from the stock as it is now: nothing is sent when
 * nothing is low or expiring any more. Each recipient is a channel (`email:<userId>`), so a retry
 * after one address failed does not mail the others twice.
 */
export async function deliverStockDigest(deps: DeliveryDeps, payload: OutboxPayloads['stock.digest'], row: DeliverableEvent): Promise<DeliveryResult> {
	const [home] = await deps.db
		.select({ name: clinic.name, code: clinic.code, nearExpiryDays: clinic.nearExpiryDays })
		.from(clinic)
		.where(eq(clinic.id, payload.clinicId));
	if (!home) return { done: [], errors: [] };
	const digest = await stockDigestOf(deps.db, payload.clinicId, payload.day, home.nearExpiryDays);
	if (digestIsEmpty(digest)) return { done: [], errors: [] };
	const recipients = await deps.db
		.select({ id: appUser.id, email: appUser.email, name: appUser.name, locale: appUser.locale })
		.from(membership)
		.innerJoin(appUser, eq(appUser.id, membership.userId))
		.where(and(eq(membership.clinicId, payload.clinicId), eq(membership.status, 'active'), inArray(membership.role, ['pharmacist', 'admin'])));
	const url = `${deps.origin.replace(/\/$/, '')}/${home.code}/pharmacy/stock`;
	const done: string[] = [];
	const errors: string[] = [];
	for (const r of recipients) {
		if (!r.email || row.deliveredTo.some((key) => key === `email:${r.id}` || key === `email:log:${r.id}`)) continue;
		const locale: Locale = r.locale === 'ur' ? 'ur' : 'en';
		const options = { locale } as const;
		const date = new Intl.DateTimeFormat(formatLocale(locale), { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${payload.day}T00:00:00Z`));
		const subject = m.inv_digest_subject({ clinic: home.name, date }, options);
		const text = digestLines(digest, home.name, locale, url);
		const plain = [
			m.notify_greeting({ name: r.name }, options),
			text.intro,
			...text.sections.map((s) => [s.title, ...s.lines.map((l) => `- ${l}`)].join('\n')),
			text.link
		].join('\n\n');
		const dir = locale === 'ur' ? 'rtl' : 'ltr';
		const html = [
			`<!doctype html><html lang="${locale}" dir="${dir}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
			`<body style="font-family: 'Noto Nastaliq Urdu', 'Noto Sans', Arial, sans-serif; line-height: 1.6; color: #1f2933; direction: ${dir}">`,
			`<p>${escapeHtml(m.notify_greeting({ name: r.name }, options))}</p>`,
			`<p>${escapeHtml(text.intro)}</p>`,
			...text.sections.map((s) => `<h3>${escapeHtml(s.title)}</h3><ul>${s.lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`),
			`<p><a href="${escapeHtml(url)}" dir="ltr">${escapeHtml(url)}</a></p>`,
			'</body></html>'
		].join('\n');
		try {
			const outcome = await deps.mailer.send({ to: r.email, subject, text: plain, html, lang: locale, attachments: [] });
			done.push(outcome === 'logged' ? `email:log:${r.id}` : `email:${r.id}`);
		} catch (e) {
			errors.push(`email ${r.id}: ${e instanceof Error ? e.message : String(e)}`);
		}
	}
	return { done, errors };
}
