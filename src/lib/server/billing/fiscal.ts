/**
 * The fiscal year a clinic day falls in, named by the calendar year it starts in: with a July
 * start (Pakistan), 2027-03-10 is in fiscal year 2026 (July 2026 – June 2027); with January, the
 * calendar year itself.
 */
export function fiscalYearOf(day: string, startMonth: number): number {
	const year = Number(day.slice(0, 4));
	const month = Number(day.slice(5, 7));
	return month >= startMonth ? year : year - 1;
}

/** `ABC01-INV-2026-000123`: gapless per clinic and fiscal year. */
export const invoiceNumber = (clinicCode: string, fiscalYear: number, n: number) => `${clinicCode}-INV-${fiscalYear}-${String(n).padStart(6, '0')}`;

/** `ABC01-CN-2026-000004`: credit notes have their own gapless sequence. */
export const creditNoteNumber = (clinicCode: string, fiscalYear: number, n: number) => `${clinicCode}-CN-${fiscalYear}-${String(n).padStart(6, '0')}`;
