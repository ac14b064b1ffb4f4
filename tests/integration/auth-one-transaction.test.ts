import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { testDatabase } from '../db';
import { freshTotp } from '../totp';
import { decodeBase64 } from '@oslojs/encoding';
import { makeSession, makeUser, rand, PASSWORD } from '../factories';
import { appUser, recoveryCode, session } from '../../src/lib/server/db/schema';
import type { Database } from '../../src/lib/server/db';
import { changePassword, confirmTotpEnrolment, pendingTotpEnrolment } from '../../src/lib/server/auth/account';
import { signIn } from '../../src/lib/server/auth/signIn';
import { sessionIdFromToken, validateSessionToken } from '../../src/lib/server/auth/session';

let database: Database;
beforeAll(async () => {
	database = await testDatabase();
});

const address = () => `10.8.${rand(1)}.${rand(1)}`;

/**
 * Makes one write of one person's rows fail inside the database (as a lost connection or a full
 * disk would), for the duration of `body`: whatever the command wrote before it must not remain.
 */
async function failingFor(userId: string, table: 'session' | 'audit_log', event: 'DELETE' | 'INSERT', body: () => Promise<void>) {
	const name = `test_refuse_${rand(4)}`;
	const row = event === 'DELETE' ? 'OLD' : 'NEW';
	const column = table === 'session' ? 'user_id' : 'actor_user_id';
	await database.query(
		`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
			IF ${row}.${column} = '${userId}' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN ${row};
		END $$`
	);
	await database.query(`CREATE TRIGGER ${name} BEFORE ${event} ON ${table} FOR EACH ROW EXECUTE FUNCTION ${name}()`);
	try {
		await body();
	} finally {
		await database.query(`DROP TRIGGER ${name} ON ${table}`);
		await database.query(`DROP FUNCTION ${name}()`);
	}
}

describe('account changes happen in one transaction', () => {
	it('keeps the old password when the other sessions cannot be ended', async () => {
		const { db } = database;
		const user = await makeUser(db);
		const current = await makeSession(db, user.id);
		const other = await makeSession(db, user.id);
		const actor = { userId: user.id, email: user.email, address: address() };

		await failingFor(user.id, 'session', 'DELETE', async () => {
			await expect(changePassword(db, actor, sessionIdFromToken(current), { currentPassword: PASSWORD, newPassword: 'my new password 1' })).rejects.toThrow();
		});
		expect((await validateSessionToken(db, other)).session).not.toBeNull();
		await expect(signIn(db, { email: user.email, password: 'my new password 1' }, address())).rejects.toMatchObject({ code: 'invalid_credentials' });
		expect((await signIn(db, { email: user.email, password: PASSWORD }, address())).user.id).toBe(user.id);
	});

	it('does not turn 2FA on when the sessions opened without it cannot be ended', async () => {
		const { db } = database;
		const user = await makeUser(db);
		const current = await makeSession(db, user.id);
		const other = await makeSession(db, user.id);
		const { manualKey } = await pendingTotpEnrolment(db, user.id, user.email);
		const [{ key }] = await db.select({ key: appUser.totpPendingKey }).from(appUser).where(eq(appUser.id, user.id));
		expect(manualKey).toBeTruthy();

		await failingFor(user.id, 'session', 'DELETE', async () => {
			const code = await freshTotp(decodeBase64(key!));
			await expect(confirmTotpEnrolment(db, user.id, sessionIdFromToken(current), { code })).rejects.toThrow();
		});
		const [after] = await db.select({ totpKey: appUser.totpKey }).from(appUser).where(eq(appUser.id, user.id));
		expect(after.totpKey).toBeNull();
		expect(await db.select().from(recoveryCode).where(eq(recoveryCode.userId, user.id))).toEqual([]);
		expect((await validateSessionToken(db, other)).session).not.toBeNull();
	});

	it('opens no session for a sign-in whose audit row cannot be written', async () => {
		const { db } = database;
		const user = await makeUser(db);

		await failingFor(user.id, 'audit_log', 'INSERT', async () => {
			await expect(signIn(db, { email: user.email, password: PASSWORD }, address())).rejects.toThrow();
		});
		expect(await db.select().from(session).where(eq(session.userId, user.id))).toEqual([]);
	});
});
