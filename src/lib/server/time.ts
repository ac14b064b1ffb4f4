/** The clinic's local calendar date (YYYY-MM-DD) at an instant. */
export function clinicToday(timeZone: string, at: Date = new Date()): string {
	return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}
