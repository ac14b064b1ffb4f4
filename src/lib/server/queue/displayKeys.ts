import { and, desc, eq, inArray, isNull } from 'drizzle-orm';
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import { displayKey } from '../db/schema';
import type { Db } from '../db';
import { runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { forbidden, notFound } from '../errors';
import { parseInput } from '../validation';
import type { ClinicContext } from '../tenancy/context';
import { can } from './policy';
import { displayKeyInput } from './schema';
import { isUuid } from '../text';

/** 25 random bytes: 40 characters, longer than a session token so the two never look alike. */
const KEY_BYTES = 25;

export const hashDisplayKey = (key: string) => encodeHexLowerCase(sha256(new TextEncoder().encode(key)));

export function generateDisplayKey(): string {
	const bytes = new Uint8Array(KEY_BYTES);
	crypto.getRandomValues(bytes);
	return encodeBase32LowerCaseNoPadding(bytes);
}

export type DisplayKeyView = { id: string; name: string; createdAt: string; revokedAt: string | null };

/** Creates a named display key; the key itself is returned this once and only its hash is kept. */
export async function createDisplayKey(db: Db, ctx: ClinicContext, input: unknown): Promise<{ id: string; name: string; key: string }> {
	if (!can(ctx.actor, 'displayKey.manage')) throw forbidden('Only a clinic admin can manage display keys');
	const { name } = parseInput(displayKeyInput, input);
	const key = generateDisplayKey();
	return runCommand(db, null, async (tx) => {
		const [row] = await tx
			.insert(displayKey)
			.values({ clinicId: ctx.clinicId, name, keyHash: hashDisplayKey(key), createdBy: ctx.actor.userId })
			.returning();
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'display_key.create',
			entityType: 'display_key',
			entityId: row.id,
			data: { name }
		});
		return { id: row.id, name: row.name, key };
	});
}

/** Revokes a key: the sync server re-checks open kiosks every few seconds and closes this one's. */
export async function revokeDisplayKey(db: Db, ctx: ClinicContext, id: string): Promise<DisplayKeyView> {
	if (!can(ctx.actor, 'displayKey.manage')) throw forbidden('Only a clinic admin can manage display keys');
	if (!isUuid(id)) throw notFound();
	return runCommand(db, null, async (tx) => {
		const [current] = await tx
			.select()
			.from(displayKey)
			.where(and(eq(displayKey.clinicId, ctx.clinicId), eq(displayKey.id, id)))
			.for('update');
		if (!current) throw notFound();
		const [row] = current.revokedAt ? [current] : await tx.update(displayKey).set({ revokedAt: new Date() }).where(eq(displayKey.id, id)).returning();
		if (!current.revokedAt) {
			await appendAudit(tx, {
				clinicId: ctx.clinicId,
				actorUserId: ctx.actor.userId,
				action: 'display_key.revoke',
				entityType: 'display_key',
				entityId: id,
				data: { name: row.name }
			});
		}
		return presentKey(row);
	});
}

function presentKey(row: typeof displayKey.$inferSelect): DisplayKeyView {
	return { id: row.id, name: row.name, createdAt: row.createdAt.toISOString(), revokedAt: row.revokedAt?.toISOString() ?? null };
}

export async function listDisplayKeys(db: Db, ctx: ClinicContext): Promise<DisplayKeyView[]> {
	if (!can(ctx.actor, 'displayKey.manage')) throw forbidden();
	const rows = await db.select().from(displayKey).where(eq(displayKey.clinicId, ctx.clinicId)).orderBy(desc(displayKey.createdAt));
	return rows.map(presentKey);
}

/** The sync server's kiosk resolver: a live key's clinic (and id, for re-checking), else null. */
export function displayKeyResolver(db: Db) {
	return async (key: string): Promise<{ clinicId: string; keyId: string } | null> => {
		if (!/^[a-z2-7]{20,100}$/.test(key)) return null;
		const [row] = await db
			.select({ id: displayKey.id, clinicId: displayKey.clinicId })
			.from(displayKey)
			.where(and(eq(displayKey.keyHash, hashDisplayKey(key)), isNull(displayKey.revokedAt)));
		return row ? { clinicId: row.clinicId, keyId: row.id } : null;
	};
}

/** Which of these keys are still live (one query for every open kiosk). */
export async function liveDisplayKeys(db: Db, ids: string[]): Promise<Set<string>> {
	if (ids.length === 0) return new Set();
	const rows = await db
		.select({ id: displayKey.id })
		.from(displayKey)
		.where(and(inArray(displayKey.id, ids), isNull(displayKey.revokedAt)));
	return new Set(rows.map((r) => r.id));
}

/** The clinic a kiosk key belongs to, for the kiosk page (branding, time zone); null when revoked or unknown. */
export async function kioskClinicId(db: Db, key: string): Promise<string | null> {
	return (await displayKeyResolver(db)(key))?.clinicId ?? null;
}
