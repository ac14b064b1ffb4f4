import { and, eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { appUser, clinic, patient, referral } from '../db/schema';
import { m } from '../../paraglide/messages.js';
import { formatLocale } from '../../i18n/formatLocale';
import { formatRef } from '../tenancy/counters';
import type { DeliverableEvent, DeliveryDeps, DeliveryResult } from './deliver';
import type { OutboxPayloads } from './events';
import { escapeHtml } from './render';

const toClinic = alias(clinic, 'to_clinic');
const toDoctor = alias(appUser, 'to_doctor');

/**
 * Reminds a referring doctor that a referral of theirs is still unanswered (referrals.ts,
 * `remindStaleReferrals`): email only, in the language of their account. A referral answered
 * in the meantime is not reminded of.
 */
export async function deliverReferralReminder(
	deps: DeliveryDeps,
	payload: OutboxPayloads['referral.reminder'],
	row: DeliverableEvent
): Promise<DeliveryResult> {
	if (row.deliveredTo.some((key) => key === 'email' || key === 'email:log')) return { done: [], errors: [] };
	const [found] = await deps.db
		.select({
			email: appUser.email,
			name: appUser.name,
			locale: appUser.locale,
			refNo: referral.refNo,
			createdAt: referral.createdAt,
			fromCode: clinic.code,
			patientName: patient.name,
			toDoctorName: toDoctor.name,
			toClinicName: toClinic.name
		})
		.from(referral)
		.innerJoin(appUser, eq(appUser.id, referral.fromDoctorId))
		.innerJoin(clinic, eq(clinic.id, referral.clinicId))
		.innerJoin(patient, eq(patient.id, referral.patientId))
		.innerJoin(toDoctor, eq(toDoctor.id, referral.toDoctorId))
		.innerJoin(toClinic, eq(toClinic.id, referral.toClinicId))
		.where(and(eq(referral.id, payload.referralId), eq(referral.status, 'sent')));
	if (!found) return { done: [], errors: [] };
	const locale = found.locale === 'ur' ? 'ur' : 'en';
	const options = { locale } as const;
	const ref = formatRef(found.fromCode, 'R', found.refNo);
	const url = `${deps.origin.replace(/\/$/, '')}/${found.fromCode}/referrals`;
	const date = new Intl.DateTimeFormat(formatLocale(locale), { dateStyle: 'long' }).format(found.createdAt);
	const subject = m.referral_email_subject({ ref }, options);
	const lines = [
		m.notify_greeting({ name: found.name }, options),
		m.referral_email_body({ patient: found.patientName, doctor: found.toDoctorName, clinic: found.toClinicName, date }, options),
		m.referral_email_link({ url }, options)
	];
	const dir = locale === 'ur' ? 'rtl' : 'ltr';
	const link = `<a href="${escapeHtml(url)}" dir="ltr">${escapeHtml(url)}</a>`;
	const html = [
		`<!doctype html><html lang="${locale}" dir="${dir}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
		`<body style="font-family: 'Noto Nastaliq Urdu', 'Noto Sans', Arial, sans-serif; line-height: 1.6; color: #1f2933; direction: ${dir}">`,
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
