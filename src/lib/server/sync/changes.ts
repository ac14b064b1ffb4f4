import { asc, inArray } from 'drizzle-orm';
import { projectionChange } from '../db/schema';
import type { Db, Tx } from '../db';
import { logger } from '../logger';
import { clinicWide, publishChanges } from './publish';

/**
 * The live documents a command changed are part of what the command does: it names them inside
 * its transaction (a `projection_change` row commits or rolls back with everything else), and
 * `runCommand` publishes them after commit. A process that stops in between leaves the row, and
 * the next start publishes it (`publishPendingChanges`). Routes never publish. See
 * docs/ARCHITECTURE.md, "Publishing live documents".
 */
type Recorded = { ids: number[]; names: Set<string> };
const recorded = new WeakMap<Tx, Recorded>();

/** Names documents (`clinic/{id}/day/…/calendar`, `patient/{id}/live`, …) this transaction changed. */
export async function documentsChanged(tx: Tx, names: string[]): Promise<void> {
	if (names.length === 0) return;
	const [row] = await tx.insert(projectionChange).values({ names }).returning({ id: projectionChange.id });
	const entry = recorded.get(tx) ?? { ids: [], names: new Set<string>() };
	entry.ids.push(row.id);
	for (const name of names) entry.names.add(name);
	recorded.set(tx, entry);
}

/** Something many of a clinic's documents show changed (a doctor, a room, the clinic's name): all of them. */
export async function clinicDocumentsChanged(tx: Tx, clinicIds: string[]): Promise<void> {
	await documentsChanged(tx, clinicIds.map(clinicWide));
}

/** What the transaction named; `runCommand` takes it once the transaction has committed. */
export function takeChanges(tx: Tx): Recorded | null {
	const entry = recorded.get(tx) ?? null;
	recorded.delete(tx);
	return entry;
}

/** After commit: publish, then forget the rows. A failure leaves them for the next sweep. */
export async function publishCommitted(db: Db, changes: Recorded): Promise<void> {
	if (!(await publishChanges([...changes.names]))) return;
	await db
		.delete(projectionChange)
		.where(inArray(projectionChange.id, changes.ids))
		.catch((err: unknown) => logger().warn({ err }, 'could not forget published projection changes'));
}

/**
 * Publishes what was committed but never published (a process stopped between the two): on start
 * and whenever the connection to the other instances comes back. Publishing twice is harmless
 * (a rebuild from Postgres gives the same document), so racing a live command is fine.
 */
export async function publishPendingChanges(db: Db, batch = 500): Promise<number> {
	let published = 0;
	for (;;) {
		const rows = await db.select().from(projectionChange).orderBy(asc(projectionChange.id)).limit(batch);
		if (rows.length === 0) return published;
		if (!(await publishChanges([...new Set(rows.flatMap((r) => r.names))]))) return published;
		await db.delete(projectionChange).where(
			inArray(
				projectionChange.id,
				rows.map((r) => r.id)
			)
		);
		published += rows.length;
		if (rows.length < batch) return published;
	}
}
