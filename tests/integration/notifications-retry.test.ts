import { and, eq, isNull, lte, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../db';
import { makeClinic, makeMember } from '../factories';
import { auditLog, outboxEvent } from '../../src/lib/server/db/schema';
import { retryNotification } from '../../src/lib/server/notifications/retry';
import type { ClinicContext } from '../../src/lib/server/tenancy/context';
import type { Database } from '../../src/lib/server/db';

let database: Database;
let admin: ClinicContext;
let reception: ClinicContext;

beforeAll(async () => {
	database = await testDatabase();
	const clinic = await makeClinic(database.db);
	admin = { clinicId: clinic.id, actor: { userId: (await makeMember(database.db, clinic.id, 'admin')).id, role: 'admin' } };
	reception = { clinicId: clinic.id, actor: { userId: (await makeMember(database.db, clinic.id, 'reception')).id, role: 'reception' } };
});

const failedEvent = async (clinicId = admin.clinicId) =>
	(
		await database.db
			.insert(outboxEvent)
			.values({ clinicId, type: 'queue.called', payload: {}, attempts: 8, lastError: 'email: 550', failedAt: new Date(), deliveredTo: ['push:abc'] })
			.returning()
	)[0];

describe('sending a failed notification again', () => {
	it('makes it due now with its attempts reset, keeps what was delivered, and audits who asked', async () => {
		const event = await failedEvent();
		await retryNotification(database.db, admin, { eventId: String(event.id) });
		const [row] = await database.db.select().from(outboxEvent).where(eq(outboxEvent.id, event.id));
		expect(row).toMatchObject({ failedAt: null, attempts: 0, deliveredTo: ['push:abc'] });
		// Due now, by the worker's own test (claimDueEvents), without claiming: other files share the outbox on PostgreSQL.
		const [due] = await database.db
			.select({ id: outboxEvent.id })
			.from(outboxEvent)
			.where(and(eq(outboxEvent.id, event.id), isNull(outboxEvent.processedAt), isNull(outboxEvent.failedAt), lte(outboxEvent.availableAt, sql`now()`)));
		expect(due?.id).toBe(event.id);
		const audits = await database.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.action, 'notification.retry'), eq(auditLog.entityId, String(event.id))));
		expect(audits).toEqual([expect.objectContaining({ actorUserId: admin.actor.userId, clinicId: admin.clinicId })]);
	});

	it('refuses reception, another clinic’s event, an event not failed, and a malformed id, changing nothing', async () => {
		const event = await failedEvent();
		await expect(retryNotification(database.db, reception, { eventId: event.id })).rejects.toMatchObject({ status: 403 });
		const elsewhere = await makeClinic(database.db);
		const theirs = await failedEvent(elsewhere.id);
		await expect(retryNotification(database.db, admin, { eventId: theirs.id })).rejects.toMatchObject({ status: 404 });
		for (const eventId of ['abc', '-1', '1.5', '']) await expect(retryNotification(database.db, admin, { eventId })).rejects.toMatchObject({ status: 400 });
		await retryNotification(database.db, admin, { eventId: event.id });
		await expect(retryNotification(database.db, admin, { eventId: event.id })).rejects.toMatchObject({ status: 404 });
		const [untouched] = await database.db.select().from(outboxEvent).where(eq(outboxEvent.id, theirs.id));
		expect(untouched.failedAt).not.toBeNull();
		expect(untouched.attempts).toBe(8);
	});
});
