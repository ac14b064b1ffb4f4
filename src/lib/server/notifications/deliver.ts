import { eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../db';
import { pushSubscription } from '../db/schema';
import type { Mailer } from './email';
import { composeNotice } from './notices';
import { parseOutboxEvent } from './events';
import type { OutboxRow } from './outbox';
import { sendPush } from './push';
import { findRecipient } from './recipients';
import { deliverInvitation } from './invitationEmail';
import { deliverReferralReminder } from './referralEmail';
import { deliverStockDigest } from './stockDigestEmail';
import { renderEmail, renderPush } from './render';
import type { VapidDetails } from './vapid';

export type DeliveryDeps = {
	db: Db;
	mailer: Mailer;
	vapid: () => Promise<VapidDetails>;
	/** The public origin, for the link to /me in emails. */
	origin: string;
	log: Logger;
};

export type DeliverableEvent = Pick<OutboxRow, 'type' | 'payload' | 'createdAt' | 'deliveredTo'>;

/**
 * `done`: channels delivered by this attempt; `errors`: why the others failed (the event is then
 * retried); `rejected`: why the event can never be delivered (it is marked failed at once).
 */
export type DeliveryResult = { done: string[]; errors: string[]; rejected?: string };

/** `send` answers the key to record: `email:log` says the email only went to the log. */
type Channel = { key: string; send: () => Promise<string> };

/**
 * Delivers one outbox event to the patient it concerns: email (sent, or logged without SMTP) and
 * a push to each browser of their account. Channels an earlier attempt delivered are skipped, so
 * a retry after a half failure does not send the same email twice. A row that does not read as
 * an outbox event (see events.ts) is rejected; an event whose patient is gone, or that tells
 * them nothing, or reaches no channel, delivers nothing and is done.
 */
export async function deliverEvent(deps: DeliveryDeps, row: DeliverableEvent): Promise<DeliveryResult> {
	const parsed = parseOutboxEvent(row);
	if (!parsed.ok) return { done: [], errors: [], rejected: parsed.reason };
	const { event } = parsed;
	if (event.type === 'member.invited') return deliverInvitation(deps, event.payload, row);
	if (event.type === 'referral.reminder') return deliverReferralReminder(deps, event.payload, row);
	if (event.type === 'stock.digest') return deliverStockDigest(deps, event.payload, row);
	const recipient = await findRecipient(deps.db, event.payload.patientId);
	if (!recipient) return { done: [], errors: [] };
	const email = recipient.email && !row.deliveredTo.some((key) => key === 'email' || key === 'email:log') ? recipient.email : null;
	const pushTargets = recipient.pushTargets.filter((target) => !row.deliveredTo.includes(`push:${target.id}`));
	// Nobody left to tell (no address, no browser, or all reached): composing the notice and its calendar file would be wasted.
	if (!email && pushTargets.length === 0) return { done: [], errors: [] };
	const notice = await composeNotice(deps.db, event, row.createdAt, recipient);
	if (!notice) return { done: [], errors: [] };
	const channels: Channel[] = [];
	if (email) {
		channels.push({
			key: 'email',
			send: async () => {
				const outcome = await deps.mailer.send(renderEmail(notice, { ...recipient, email }, deps.origin));
				return outcome === 'logged' ? 'email:log' : 'email';
			}
		});
	}
	for (const target of pushTargets) {
		const key = `push:${target.id}`;
		channels.push({
			key,
			send: async () => {
				const outcome = await sendPush(target, renderPush(notice, recipient), await deps.vapid(), notice.urgent);
				if (outcome === 'gone') {
					await deps.db.delete(pushSubscription).where(eq(pushSubscription.id, target.id));
					deps.log.info({ subscription: target.id }, 'push subscription expired: removed');
				}
				return key;
			}
		});
	}
	const done: string[] = [];
	const errors: string[] = [];
	await Promise.all(
		channels.map(async (channel) => {
			try {
				done.push(await channel.send());
			} catch (e) {
				errors.push(`${channel.key}: ${e instanceof Error ? e.message : String(e)}`);
			}
		})
	);
	return { done, errors };
}
