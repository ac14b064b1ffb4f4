import { eq } from 'drizzle-orm';
import { rgb } from 'pdf-lib';
import { clinic } from '../db/schema';
import type { Db } from '../db';
import type { ClinicContext } from '../tenancy/context';
import { formatMoney } from '../tenancy/money';
import { MUTED, PdfWriter } from '../print/pdf';
import { m } from '$lib/paraglide/messages.js';
import { paymentMethodLabel, serviceCategoryLabel } from '$lib/components/billing/labels';
import { revenueReport } from './reports';
import type { Bilingual } from './invoicePdf';

type Message = (inputs: Record<string, never>, options: { locale: 'en' | 'ur' }) => string;
const both = (message: Message): Bilingual => ({ en: message({}, { locale: 'en' }), ur: message({}, { locale: 'ur' }) });
const INVOICED = rgb(0.06, 0.46, 0.43);
const COLLECTED = rgb(0.85, 0.47, 0.02);
/** More days than this are drawn by month, as on the screen. */
const DAILY_UP_TO = 62;

/**
 * `GET …/reports/revenue.pdf?from=&to=`: the revenue report on A4, its labels in English and
 * Urdu side by side like the invoice: the totals, the bars of invoiced and collected per day (or
 * month) with the figures under them, then by doctor, kind of service, method and age.
 */
export async function revenuePdf(db: Db, ctx: ClinicContext, query: unknown, now = new Date()): Promise<{ filename: string; bytes: Uint8Array }> {
	const r = await revenueReport(db, ctx, query, now);
	const [home] = await db.select({ name: clinic.name, city: clinic.city }).from(clinic).where(eq(clinic.id, ctx.clinicId));
	const money = (minor: number) => formatMoney(minor, r.currency, 'en');
	const day = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' });
	const month = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'short', year: 'numeric' });
	const dayOf = (iso: string) => day.format(new Date(`${iso}T00:00:00Z`));
	const title = both(m.rev_title);
	const pdf = await PdfWriter.create('A4', { title: `${home.name} · ${title.en} · ${r.from} – ${r.to}`, lang: 'en' });
	const cw = pdf.contentWidth;

	/** English label and value on the left, the Urdu label on the right, at one height. */
	const line = (label: Bilingual, value: string, options: { size?: number; weight?: 'regular' | 'bold'; muted?: boolean } = {}) => {
		const size = options.size ?? 10;
		pdf.ensure(size * 3);
		const y = pdf.y;
		pdf.text(label.en, { size, weight: options.weight, align: 'left', direction: 'ltr', width: value ? cw * 0.34 : cw * 0.5 });
		const after = pdf.y;
		pdf.y = y;
		if (value) pdf.text(value, { size, weight: options.weight ?? 'regular', align: 'right', direction: 'ltr', indent: cw * 0.33, width: cw * 0.32 });
		pdf.y = y;
		pdf.text(label.ur, {
			size,
			weight: options.weight,
			align: 'right',
			direction: 'rtl',
			width: value ? cw * 0.31 : cw * 0.48,
			color: options.muted ? MUTED : undefined
		});
		pdf.y = Math.max(after, pdf.y) + 2;
	};
	const heading = (label: Bilingual) => {
		pdf.gap(6);
		line(label, '', { size: 12, weight: 'bold' });
		pdf.rule();
	};

	pdf.text(home.name, { size: 18, weight: 'bold', align: 'left' });
	if (home.city) pdf.text(home.city, { size: 9, align: 'left', color: MUTED });
	pdf.gap(4);
	line(title, `${dayOf(r.from)} – ${dayOf(r.to)}`, { size: 14, weight: 'bold' });
	pdf.rule();
	line(both(m.rep_invoices_count), String(r.totals.invoices));
	const totals: [Bilingual, number][] = [
		[both(m.rep_invoiced), r.totals.invoiced],
		[both(m.rep_collected), r.totals.collected],
		[both(m.rep_refunded), r.totals.refunded],
		[both(m.rep_discounts), r.totals.discounts],
		[both(m.rep_tax), r.totals.tax],
		[both(m.rep_credited), r.totals.credited],
		[both(m.rep_outstanding), r.totals.outstanding]
	];
	for (const [label, amount] of totals) line(label, money(amount));

	const byMonth = r.byDay.length > DAILY_UP_TO;
	const periods = new Map<string, { label: string; invoiced: number; collected: number }>();
	for (const d of r.byDay) {
		const key = byMonth ? d.day.slice(0, 7) : d.day;
		const p = periods.get(key) ?? { label: byMonth ? month.format(new Date(`${key}-01T00:00:00Z`)) : dayOf(key), invoiced: 0, collected: 0 };
		p.invoiced += d.invoiced;
		p.collected += d.collected;
		periods.set(key, p);
	}
	heading(byMonth ? both(m.rep_chart_month) : both(m.rep_chart_day));
	pdf.bars(
		[...periods.values()].map((p) => [p.invoiced, p.collected]),
		[INVOICED, COLLECTED],
		110
	);
	const legend = both(m.rep_legend_invoiced);
	const legend2 = both(m.rep_legend_collected);
	pdf.text(`${legend.en} / ${legend2.en}`, { size: 8, align: 'left', direction: 'ltr', color: MUTED });
	for (const p of periods.values())
		if (p.invoiced !== 0 || p.collected !== 0) line({ en: p.label, ur: '' }, `${money(p.invoiced)} / ${money(p.collected)}`, { size: 9 });

	heading(both(m.rep_by_doctor));
	for (const d of r.byDoctor) line({ en: d.name, ur: '' }, money(d.amount));
	heading(both(m.rep_by_category));
	for (const c of r.byCategory.filter((x) => x.amount !== 0))
		line({ en: serviceCategoryLabel(c.category, { locale: 'en' }), ur: serviceCategoryLabel(c.category, { locale: 'ur' }) }, money(c.amount));
	heading(both(m.rep_by_method));
	for (const x of r.byMethod.filter((y) => y.amount !== 0))
		line({ en: paymentMethodLabel(x.method, { locale: 'en' }), ur: paymentMethodLabel(x.method, { locale: 'ur' }) }, money(x.amount));
	heading(both(m.rep_by_age));
	for (const a of r.outstandingByAge)
		line(
			{ en: `${m.rep_age_bucket({ range: a.bucket }, { locale: 'en' })} (${a.count})`, ur: m.rep_age_bucket({ range: a.bucket }, { locale: 'ur' }) },
			money(a.amount)
		);
	return { filename: `revenue-${r.from}-${r.to}.pdf`, bytes: await pdf.save() };
}
