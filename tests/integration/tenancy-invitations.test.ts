import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import pino from 'pino';
import { testDatabase } from '../db';
import { makeClinic, makeMember, rand } from '../factories';
import { ctxOf } from './queueScene';
import { addMember } from '../../src/lib/server/tenancy/members';
import { acceptInvitation, readInvitation, resendInvitation } from '../../src/lib/server/tenancy/invitations';
import { signIn } from '../../src/lib/server/auth/signIn';
import { deliverEvent } from '../../src/lib/server/notifications/deliver';
import type { EmailMessage, Mailer } from '../../src/lib/server/notifications/email';
import { appUser, outboxEvent } from '../../src/lib/server/db/schema';
import type { Db } from '../../src/lib/server/db';

let db: Db;
beforeAll(async () => {
	db = (await testDatabase()).db;
});

const GOOD = 'a long enough password';

async function clinicWithAdmin() {
	const clinic = await makeClinic(db, { name: `Shifa ${rand(3)}` });
	const admin = await makeMember(db, clinic.id, 'admin');
	const desk = await makeMember(db, clinic.id, 'reception');
	return { clinic, admin, adminCtx: ctxOf(clinic.id, admin.id, 'admin'), deskCtx: ctxOf(clinic.id, desk.id, 'reception') };
}

/** The invitation events written for a person, newest last, with the token each carries. */
async function invitationsOf(userId: string) {
	const rows = await db
		.select()
		.from(outboxEvent)
		.where(and(eq(outboxEvent.type, 'member.invited'), sql`${outboxEvent.payload}->>'userId' = ${userId}`));
	return rows.sort((a, b) => a.id - b.id);
}

async function invite(adminCtx: ReturnType<typeof ctxOf>, email = `new-${rand()}@clinic.test`) {
	const added = await addMember(db, adminCtx, { email, name: `Dr Nadia ${rand(3)}`, role: 'doctor' });
	const [event] = (await invitationsOf(added.userId)).slice(-1);
	return { added, email, event, token: String(event.payload.token) };
}

function fakeMailer() {
	const sent: EmailMessage[] = [];
	const mailer: Mailer = { send: async (message) => (sent.push(message), 'sent'), close: () => {} };
	return { sent, mailer };
}

const deps = (mailer: Mailer) => ({
	db,
	mailer,
	vapid: () => Promise.reject(new Error('no push here')),
	origin: 'https://clinic.example',
	log: pino({ level: 'silent' })
});

describe('staff invited by email set their own password', () => {
	it('adds a member without a password as invited: no password works, and the email carries a single-use link', async () => {
		const { clinic, adminCtx } = await clinicWithAdmin();
		const { added, email, event, token } = await invite(adminCtx);
		expect(added).toMatchObject({ invited: true, newAccount: true });
		await expect(signIn(db, { email, password: GOOD }, `10.0.${rand(1)}.1`)).rejects.toMatchObject({ code: 'invalid_credentials' });

		const { sent, mailer } = fakeMailer();
		const result = await deliverEvent(deps(mailer), { type: event.type, payload: event.payload, createdAt: event.createdAt, deliveredTo: [] });
		expect(result).toEqual({ done: ['email'], errors: [] });
		expect(sent).toHaveLength(1);
		expect(sent[0].to).toBe(email);
		expect(sent[0].subject).toContain(clinic.name);
		expect(sent[0].text).toContain(`https://clinic.example/invite/${token}`);
		expect(sent[0].html).toContain(`href="https://clinic.example/invite/${token}"`);
		// Only the token's hash is kept with the invitation.
		expect(JSON.stringify(await readInvitation(db, token))).not.toContain(token);
		expect(await readInvitation(db, token)).toMatchObject({ state: 'valid', email, clinicName: clinic.name, clinicCode: clinic.code });
	});

	it('writes the email in the language of the account', async () => {
		const { adminCtx } = await clinicWithAdmin();
		const { added, event } = await invite(adminCtx);
		await db.update(appUser).set({ locale: 'ur' }).where(eq(appUser.id, added.userId));
		const { sent, mailer } = fakeMailer();
		await deliverEvent(deps(mailer), { type: event.type, payload: event.payload, createdAt: event.createdAt, deliveredTo: [] });
		expect(sent[0]).toMatchObject({ lang: 'ur' });
		expect(sent[0].html).toContain('dir="rtl"');
		expect(sent[0].subject).toContain('دعوت');
	});

	it('refuses a short password and two different ones together, beside their fields, and changes nothing', async () => {
		const { adminCtx } = await clinicWithAdmin();
		const { token } = await invite(adminCtx);
		const refusal = await acceptInvitation(db, token, { password: 'short', confirm: 'other' }).catch((e: unknown) => e);
		expect(refusal).toMatchObject({ status: 400 });
		const fields = (refusal as { fields: { field: string; code: string }[] }).fields.map((f) => [f.field, f.code]);
		expect(fields).toEqual(expect.arrayContaining([['password', 'password_length']]));
		await expect(acceptInvitation(db, token, { password: GOOD, confirm: `${GOOD}!` })).rejects.toMatchObject({
			fields: [expect.objectContaining({ field: 'confirm', code: 'passwords_differ' })]
		});
		expect((await readInvitation(db, token)).state).toBe('valid');
	});

	it('sets the password once: the person signs in with it, and the link is then used up', async () => {
		const { adminCtx, clinic } = await clinicWithAdmin();
		const { email, token } = await invite(adminCtx);
		expect(await acceptInvitation(db, token, { password: GOOD, confirm: GOOD })).toMatchObject({ clinicCode: clinic.code });
		await expect(signIn(db, { email, password: GOOD }, `10.1.${rand(1)}.1`)).resolves.toMatchObject({ user: { email } });
		await expect(acceptInvitation(db, token, { password: 'another long password', confirm: 'another long password' })).rejects.toMatchObject({
			code: 'invitation_used',
			status: 410
		});
		expect((await readInvitation(db, token)).state).toBe('used');
	});

	it('lets only one of two tabs submitting at once use the link', async () => {
		const { adminCtx } = await clinicWithAdmin();
		const { token } = await invite(adminCtx);
		const results = await Promise.allSettled([
			acceptInvitation(db, token, { password: 'first long password', confirm: 'first long password' }),
			acceptInvitation(db, token, { password: 'second long password', confirm: 'second long password' })
		]);
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'invitation_used' } });
	});

	it('refuses an expired link and an unknown or malformed one', async () => {
		const { adminCtx } = await clinicWithAdmin();
		const { token } = await invite(adminCtx);
		const later = new Date(Date.now() + 8 * 86_400_000);
		expect((await readInvitation(db, token, later)).state).toBe('expired');
		await expect(acceptInvitation(db, token, { password: GOOD, confirm: GOOD }, later)).rejects.toMatchObject({ code: 'invitation_expired' });
		for (const bad of ['x'.repeat(43), 'short', '../../etc/passwd', `${token}'; DROP TABLE app_user; --`]) {
			expect((await readInvitation(db, bad)).state).toBe('unknown');
			await expect(acceptInvitation(db, bad, { password: GOOD, confirm: GOOD })).rejects.toMatchObject({ code: 'invitation_unknown' });
		}
	});

	it('sends a new invitation on request, which ends the old link; only admins, and only before the person joins', async () => {
		const { adminCtx, deskCtx } = await clinicWithAdmin();
		const { added, token: first } = await invite(adminCtx);
		await expect(resendInvitation(db, deskCtx, added.userId)).rejects.toMatchObject({ status: 403 });
		await expect(resendInvitation(db, adminCtx, crypto.randomUUID())).rejects.toMatchObject({ status: 404 });
		await expect(resendInvitation(db, adminCtx, 'not-an-id')).rejects.toMatchObject({ status: 404 });
		await resendInvitation(db, adminCtx, added.userId);
		const second = String((await invitationsOf(added.userId)).at(-1)!.payload.token);
		expect(second).not.toBe(first);
		expect((await readInvitation(db, first)).state).toBe('used');
		await acceptInvitation(db, second, { password: GOOD, confirm: GOOD });
		await expect(resendInvitation(db, adminCtx, added.userId)).rejects.toMatchObject({ code: 'already_joined', status: 409 });
	});

	it('invites nobody when the admin gives a password, or when the email already has an account', async () => {
		const { adminCtx } = await clinicWithAdmin();
		const withPassword = await addMember(db, adminCtx, { email: `set-${rand()}@clinic.test`, name: 'Dr Set', role: 'doctor', password: GOOD });
		expect(withPassword.invited).toBe(false);
		const other = await clinicWithAdmin();
		const existing = await addMember(db, other.adminCtx, { email: withPassword.email, name: 'Dr Set', role: 'doctor' });
		expect(existing).toMatchObject({ invited: false, newAccount: false });
		const rows = await db.select().from(outboxEvent).where(eq(outboxEvent.type, 'member.invited'));
		expect(rows.filter((r) => r.payload.userId === withPassword.userId)).toEqual([]);
	});
});
