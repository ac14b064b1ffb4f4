import { m } from '$lib/paraglide/messages.js';

const labels: Record<string, () => string> = {
	sent: m.referral_status_sent,
	accepted: m.referral_status_accepted,
	booked: m.referral_status_booked,
	seen: m.referral_status_seen,
	declined: m.referral_status_declined
};

/** A referral's status in the reader's language. */
export const statusLabel = (status: string) => labels[status]?.() ?? status;
