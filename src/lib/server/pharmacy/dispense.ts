import { and, asc, desc, eq, gte, inArray, isNotNull, sql } from 'drizzle-orm';
import { billDispensed } from '../billing/auto';
import { dispenseLine, dispensing, medicine, patient, prescription, prescriptionLine, stockBatch, stockMovement } from '../db/schema';
import type { Db, Tx } from '../db';
import { requiredIdempotency, runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { badRequest, conflict, forbidden, notFound } from '../errors';
import { parseInput } from '../validation';
import { isUuid } from '../text';
import type { ClinicContext } from '../tenancy/context';
import { documentsChanged } from '../sync/changes';
import { emit } from '../notifications/outbox';
import { documentName } from '../../sync/protocol';
import { clinicToday } from '../../time';
import { can } from './policy';
import { allocate, allocateReturn } from './fefo';
import { lockBatches, moveStock, pharmacyClinic } from './stock';
import { collectInput, dispenseInput, lineOutcomeInput, prepareInput, returnInput } from './stockSchema';

/*
 * Dispensing an issued prescription. Every command here takes its locks in this order:
 *   1. the prescription row (`FOR UPDATE`): one command at a time per prescription, so two
 *      pharmacists pressing Dispense on the same lines never give more than was prescribed;
 *   2. the batches of the medicines involved (`lockBatches`: medicine, expiry, delivery, id), so
 *      two prescriptions of the same medicine take turns at the shelf and the second sees what
 *      the first left;
 *   3. the audit chain (runCommand, last).
 * The database has the last word either way: `stock_batch.on_hand >= 0` and
 * `dispense_line.dispensed <= prescribed` are CHECK constraints.
 */

type Reader = Db | Tx;
export type PharmacyStatus = (typeof dispensing.$inferSelect)['status'];
export type LineStatus = (typeof dispenseLine.$inferSelect)['status'];

/** Whole units a line asks for: a prescribed 7.5 mL-doses bottle count is rounded up. */
export const prescribedUnits = (quantity: number) => Math.max(0, Math.ceil(quantity - 1e-9));

type Locked = {
	rx: typeof prescription.$inferSelect;
	state: typeof dispensing.$inferSelect;
	lines: { line: typeof prescriptionLine.$inferSelect; state: typeof dispenseLine.$inferSelect }[];
};

/** Locks an issued prescription of this clinic and makes sure the pharmacy's rows for it exist. */
async function lockIssued(tx: Tx, ctx: ClinicContext, prescriptionId: string): Promise<Locked> {
	const [rx] = await tx
		.select()
		.from(prescription)
		.where(and(eq(prescription.clinicId, ctx.clinicId), eq(prescription.id, prescriptionId)))
		.for('update');
	if (!rx) throw notFound('No such prescription');
	if (!rx.issuedAt) throw conflict('This prescription has not been issued yet', 'prescription_not_issued');
	await tx.insert(dispensing).values({ prescriptionId: rx.id, clinicId: rx.clinicId }).onConflictDoNothing();
	const lines = await tx.select().from(prescriptionLine).where(eq(prescriptionLine.prescriptionId, rx.id)).orderBy(asc(prescriptionLine.position));
	if (lines.length > 0)
		await tx
			.insert(dispenseLine)
			.values(lines.map((l) => ({ prescriptionLineId: l.id, prescriptionId: rx.id, prescribed: prescribedUnits(l.quantity) })))
			.onConflictDoNothing();
	const [state] = await tx.select().from(dispensing).where(eq(dispensing.prescriptionId, rx.id));
	const states = await tx.select().from(dispenseLine).where(eq(dispenseLine.prescriptionId, rx.id));
	const byLine = new Map(states.map((s) => [s.prescriptionLineId, s]));
	return { rx, state, lines: lines.map((line) => ({ line, state: byLine.get(line.id)! })) };
}

/** A line is settled when nothing more will leave the shelf for it. */
const settled = (s: LineStatus) => s === 'dispensed' || s === 'substituted' || s === 'not_dispensed' || s === 'collected';

/** The prescription's status from its lines' (collected stays collected). */
export function prescriptionStatus(current: PharmacyStatus, lines: { status: LineStatus; dispensed: number }[]): PharmacyStatus {
	if (current === 'collected') return 'collected';
	if (lines.length > 0 && lines.every((l) => settled(l.status))) return 'ready';
	if (lines.some((l) => l.status === 'waiting_for_stock')) return 'waiting_for_stock';
	if (lines.some((l) => l.dispensed > 0 || l.status !== 'pending')) return 'in_progress';
	return current === 'in_progress' ? 'in_progress' : 'waiting';
}

async function settle(tx: Tx, ctx: ClinicContext, locked: Locked, now: Date): Promise<PharmacyStatus> {
	const states = await tx.select().from(dispenseLine).where(eq(dispenseLine.prescriptionId, locked.rx.id));
	const status = prescriptionStatus(locked.state.status, states);
	const becameReady = status === 'ready' && locked.state.status !== 'ready';
	await tx
		.update(dispensing)
		.set({
			status,
			updatedAt: now,
			...(becameReady ? { readyBy: ctx.actor.userId, readyAt: now, preparedBy: null } : {})
		})
		.where(eq(dispensing.prescriptionId, locked.rx.id));
	if (becameReady) await emit(tx, ctx.clinicId, { type: 'prescription.ready', payload: { prescriptionId: locked.rx.id, patientId: locked.rx.patientId } });
	await documentsChanged(tx, [documentName.pharmacy(ctx.clinicId), documentName.patientLive(locked.rx.patientId)]);
	return status;
}

async function audit(tx: Tx, ctx: ClinicContext, action: string, rx: Locked['rx'], data: Record<string, unknown>) {
	await appendAudit(tx, {
		clinicId: ctx.clinicId,
		actorUserId: ctx.actor.userId,
		action,
		entityType: 'prescription',
		entityId: rx.id,
		data: { patientId: rx.patientId, visitId: rx.visitId, ...data }
	});
}

function lineOf(locked: Locked, lineId: string, field: string) {
	const found = locked.lines.find((l) => l.line.id === lineId);
	if (!found) throw badRequest('No such line on this prescription', field, 'field_invalid');
	return found;
}

export type DispenseResult = {
	lines: {
		lineId: string;
		dispensed: number;
		short: number;
		batches: { batchId: string; quantity: number }[];
		totalDispensed: number;
		prescribed: number;
		status: LineStatus;
	}[];
	status: PharmacyStatus;
};

/**
 * `POST …/prescriptions/{id}/dispense`: takes each line's units from stock, first expiry first.
 * A line is never given beyond what it asks for: the quantity is capped by what is left of it. A
 * line stock cannot fill is dispensed as far as stock allows and waits for stock.
 */
export async function dispensePrescription(db: Db, ctx: ClinicContext, prescriptionId: string, input: unknown, now = new Date()): Promise<DispenseResult> {
	if (!can(ctx.actor, 'prescription.dispense')) throw forbidden();
	if (!isUuid(prescriptionId)) throw notFound('No such prescription');
	const data = parseInput(dispenseInput, input);
	const idempotency = requiredIdempotency(`prescription.dispense:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, { prescriptionId, ...data });
	const home = await pharmacyClinic(db, ctx.clinicId);
	const today = clinicToday(home.timezone, now);
	return runCommand(db, idempotency, async (tx) => {
		const locked = await lockIssued(tx, ctx, prescriptionId);
		if (locked.state.status === 'collected') throw conflict('This prescription was already collected', 'prescription_state');
		const wanted = data.lines.map((w, i) => ({ ...w, ...lineOf(locked, w.lineId, `lines.${i}.lineId`) }));
		const sourceOf = (w: (typeof wanted)[number]) => w.state.substituteMedicineId ?? w.line.medicineId;
		const batches = await lockBatches(tx, ctx.clinicId, [...new Set(wanted.map(sourceOf))]);
		const onHand = new Map(batches.map((b) => [b.id, b.onHand]));
		const results: DispenseResult['lines'] = [];
		for (const w of wanted) {
			const state = (await tx.select().from(dispenseLine).where(eq(dispenseLine.prescriptionLineId, w.line.id)))[0];
			if (state.status === 'not_dispensed' || state.status === 'collected')
				throw conflict('This line is not to be dispensed', 'prescription_state', `lines.${results.length}.lineId`);
			const open = state.prescribed - state.dispensed;
			const asked = Math.min(w.quantity, open);
			const { takes, short } = allocate(
				batches.filter((b) => b.medicineId === sourceOf(w)).map((b) => ({ ...b, onHand: onHand.get(b.id) ?? 0 })),
				asked,
				today,
				home.nearExpiryDays
			);
			for (const t of takes) {
				await moveStock(tx, ctx, t.batchId, 'dispensed', -t.quantity, { prescriptionId: locked.rx.id, prescriptionLineId: w.line.id }, now);
				onHand.set(t.batchId, (onHand.get(t.batchId) ?? 0) - t.quantity);
			}
			const given = asked - short;
			const total = state.dispensed + given;
			const status: LineStatus =
				total >= state.prescribed
					? state.substituteMedicineId
						? 'substituted'
						: 'dispensed'
					: short > 0
						? 'waiting_for_stock'
						: total > 0
							? 'partly_dispensed'
							: state.status;
			await tx
				.update(dispenseLine)
				.set({ dispensed: total, status, updatedBy: ctx.actor.userId, updatedAt: now })
				.where(eq(dispenseLine.prescriptionLineId, w.line.id));
			results.push({ lineId: w.line.id, dispensed: given, short, batches: takes, totalDispensed: total, prescribed: state.prescribed, status });
		}
		// What left the shelf goes on the visit's automatic invoice, at each batch's sale price (billing/auto.ts).
		const taken = results.flatMap((r) => r.batches.map((b) => ({ prescriptionLineId: r.lineId, batchId: b.batchId, quantity: b.quantity })));
		await billDispensed(tx, { id: locked.rx.visitId, clinicId: locked.rx.clinicId, patientId: locked.rx.patientId }, taken, ctx.actor.userId, now);
		const status = await settle(tx, ctx, locked, now);
		await audit(tx, ctx, 'prescription.dispense', locked.rx, {
			lines: results.map((r) => ({ lineId: r.lineId, dispensed: r.dispensed, short: r.short, batches: r.batches }))
		});
		return { lines: results, status };
	});
}

/**
 * `POST …/prescriptions/{id}/prepare`: the pharmacist starts on it, so colleagues leave it alone
 * (their screens show who). A colleague's prescription is taken over only when asked.
 */
export async function preparePrescription(db: Db, ctx: ClinicContext, prescriptionId: string, input: unknown, now = new Date()) {
	if (!can(ctx.actor, 'prescription.dispense')) throw forbidden();
	if (!isUuid(prescriptionId)) throw notFound('No such prescription');
	const data = parseInput(prepareInput, input);
	return runCommand(db, null, async (tx) => {
		const locked = await lockIssued(tx, ctx, prescriptionId);
		if (locked.state.status === 'collected' || locked.state.status === 'ready') throw conflict('This prescription is already ready', 'prescription_state');
		if (locked.state.preparedBy && locked.state.preparedBy !== ctx.actor.userId && !data.takeOver)
			throw conflict('A colleague is preparing this prescription', 'being_prepared');
		await tx
			.update(dispensing)
			.set({ preparedBy: ctx.actor.userId, status: locked.state.status === 'waiting' ? 'in_progress' : locked.state.status, updatedAt: now })
			.where(eq(dispensing.prescriptionId, locked.rx.id));
		await audit(tx, ctx, 'prescription.prepare', locked.rx, { takeOver: data.takeOver });
		await documentsChanged(tx, [documentName.pharmacy(ctx.clinicId)]);
		return { prescriptionId: locked.rx.id, preparedBy: ctx.actor.userId };
	});
}

/** "500 mg", "500MG" and "500 Mg" are one strength. */
const sameStrength = (a: string, b: string) => a.replace(/\s+/g, '').toLowerCase() === b.replace(/\s+/g, '').toLowerCase();

/** `POST …/prescriptions/{id}/lines/{lineId}`: give an equivalent product instead, or record that the patient declined it. */
export async function setLineOutcome(db: Db, ctx: ClinicContext, prescriptionId: string, lineId: string, input: unknown, now = new Date()) {
	if (!can(ctx.actor, 'prescription.dispense')) throw forbidden();
	if (!isUuid(prescriptionId)) throw notFound('No such prescription');
	if (!isUuid(lineId)) throw notFound('No such line');
	const data = parseInput(lineOutcomeInput, input);
	const idempotency = requiredIdempotency(`prescription.line:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, { prescriptionId, lineId, ...data });
	return runCommand(db, idempotency, async (tx) => {
		const locked = await lockIssued(tx, ctx, prescriptionId);
		if (locked.state.status === 'collected') throw conflict('This prescription was already collected', 'prescription_state');
		const found = locked.lines.find((l) => l.line.id === lineId);
		if (!found) throw notFound('No such line');
		if (data.outcome === 'substituted') {
			if (found.state.dispensed > 0) throw conflict('Part of this line was already dispensed as written', 'prescription_state');
			const meds = await tx
				.select()
				.from(medicine)
				.where(and(eq(medicine.clinicId, ctx.clinicId), inArray(medicine.id, [found.line.medicineId, data.medicineId])));
			const written = meds.find((m) => m.id === found.line.medicineId);
			const instead = meds.find((m) => m.id === data.medicineId);
			if (
				!written ||
				!instead ||
				instead.id === written.id ||
				instead.searchName !== written.searchName ||
				sameStrength(instead.strength, written.strength) === false
			)
				throw badRequest('A substitute is another product of the same generic and strength', 'medicineId', 'substitute_invalid');
			await tx
				.update(dispenseLine)
				.set({ substituteMedicineId: instead.id, note: data.note, updatedBy: ctx.actor.userId, updatedAt: now, status: 'pending' })
				.where(eq(dispenseLine.prescriptionLineId, lineId));
		} else {
			await tx
				.update(dispenseLine)
				.set({ status: 'not_dispensed', note: data.note, updatedBy: ctx.actor.userId, updatedAt: now })
				.where(eq(dispenseLine.prescriptionLineId, lineId));
		}
		const status = await settle(tx, ctx, locked, now);
		await audit(tx, ctx, `prescription.line_${data.outcome}`, locked.rx, {
			lineId,
			note: data.note,
			medicineId: data.outcome === 'substituted' ? data.medicineId : undefined
		});
		return { lineId, outcome: data.outcome, status };
	});
}

/** `POST …/prescriptions/{id}/collect`: the patient took what was dispensed. */
export async function collectPrescription(db: Db, ctx: ClinicContext, prescriptionId: string, input: unknown, now = new Date()) {
	if (!can(ctx.actor, 'prescription.dispense')) throw forbidden();
	if (!isUuid(prescriptionId)) throw notFound('No such prescription');
	const data = parseInput(collectInput, input);
	const idempotency = requiredIdempotency(`prescription.collect:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, { prescriptionId });
	return runCommand(db, idempotency, async (tx) => {
		const locked = await lockIssued(tx, ctx, prescriptionId);
		if (locked.state.status === 'collected') throw conflict('This prescription was already collected', 'prescription_state');
		if (!locked.lines.some((l) => l.state.dispensed > 0)) throw conflict('Nothing has been dispensed yet', 'prescription_state');
		await tx
			.update(dispenseLine)
			.set({ status: 'collected', updatedBy: ctx.actor.userId, updatedAt: now })
			.where(and(eq(dispenseLine.prescriptionId, locked.rx.id), eq(dispenseLine.status, 'dispensed')));
		await tx
			.update(dispensing)
			.set({ status: 'collected', collectedBy: ctx.actor.userId, collectedAt: now, preparedBy: null, updatedAt: now })
			.where(eq(dispensing.prescriptionId, locked.rx.id));
		await audit(tx, ctx, 'prescription.collect', locked.rx, {});
		await documentsChanged(tx, [documentName.pharmacy(ctx.clinicId), documentName.patientLive(locked.rx.patientId)]);
		return { prescriptionId: locked.rx.id, status: 'collected' as const, collectedAt: now.toISOString() };
	});
}

/**
 * `POST …/prescriptions/{id}/return`: units the patient brings back go into the batches the line
 * was dispensed from (a `patient_return` movement each), never more than was dispensed.
 */
export async function returnPrescription(db: Db, ctx: ClinicContext, prescriptionId: string, input: unknown, now = new Date()) {
	if (!can(ctx.actor, 'prescription.dispense')) throw forbidden();
	if (!isUuid(prescriptionId)) throw notFound('No such prescription');
	const data = parseInput(returnInput, input);
	const idempotency = requiredIdempotency(`prescription.return:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, { prescriptionId, ...data });
	return runCommand(db, idempotency, async (tx) => {
		const locked = await lockIssued(tx, ctx, prescriptionId);
		const wanted = data.lines.map((w, i) => ({ ...w, index: i, ...lineOf(locked, w.lineId, `lines.${i}.lineId`) }));
		const moved = await tx
			.select({
				lineId: stockMovement.prescriptionLineId,
				batchId: stockMovement.batchId,
				medicineId: stockMovement.medicineId,
				quantity: sql<number>`(-sum(${stockMovement.quantity}))::int`
			})
			.from(stockMovement)
			.innerJoin(stockBatch, eq(stockBatch.id, stockMovement.batchId))
			.where(and(eq(stockMovement.prescriptionId, locked.rx.id), inArray(stockMovement.kind, ['dispensed', 'patient_return'])))
			.groupBy(stockMovement.prescriptionLineId, stockMovement.batchId, stockMovement.medicineId, stockBatch.expiry, stockBatch.receivedAt)
			// In the order dispensing took them (FEFO), so a return refills the last batch taken first.
			.orderBy(asc(stockBatch.expiry), asc(stockBatch.receivedAt), asc(stockMovement.batchId));
		await lockBatches(tx, ctx.clinicId, [...new Set(moved.map((m) => m.medicineId))]);
		const results = [];
		for (const w of wanted) {
			const state = (await tx.select().from(dispenseLine).where(eq(dispenseLine.prescriptionLineId, w.line.id)))[0];
			if (w.quantity > state.dispensed - state.returned) throw badRequest('More is returned than was dispensed', `lines.${w.index}.quantity`, 'return_exceeds');
			const { takes, short } = allocateReturn(
				moved.filter((m) => m.lineId === w.line.id && m.quantity > 0),
				w.quantity
			);
			if (short > 0) throw badRequest('More is returned than was dispensed', `lines.${w.index}.quantity`, 'return_exceeds');
			for (const t of takes)
				await moveStock(
					tx,
					ctx,
					t.batchId,
					'patient_return',
					t.quantity,
					{ prescriptionId: locked.rx.id, prescriptionLineId: w.line.id, reason: data.reason },
					now
				);
			await tx
				.update(dispenseLine)
				.set({ returned: state.returned + w.quantity, updatedBy: ctx.actor.userId, updatedAt: now })
				.where(eq(dispenseLine.prescriptionLineId, w.line.id));
			results.push({ lineId: w.line.id, returned: w.quantity, batches: takes });
		}
		await audit(tx, ctx, 'prescription.return', locked.rx, { reason: data.reason, lines: results });
		await documentsChanged(tx, [documentName.pharmacy(ctx.clinicId)]);
		return { lines: results };
	});
}

export type QueueLine = {
	id: string;
	medicineId: string;
	quantity: number;
	prescribed: number;
	dispensed: number;
	returned: number;
	status: LineStatus;
	substituteMedicineId: string | null;
	note: string;
};
export type QueuePrescription = {
	id: string;
	patient: { id: string; name: string };
	visitId: string;
	doctorId: string;
	urgent: boolean;
	status: PharmacyStatus;
	issuedAt: string;
	preparedBy: string | null;
	readyAt: string | null;
	collectedAt: string | null;
	lines: QueueLine[];
};

/** The pharmacy's state of issued prescriptions, with defaults for those nobody has touched yet. */
export async function dispensingStates(db: Reader, prescriptionIds: string[]) {
	if (prescriptionIds.length === 0)
		return { states: new Map<string, typeof dispensing.$inferSelect>(), lines: new Map<string, typeof dispenseLine.$inferSelect>() };
	const [states, lines] = await Promise.all([
		db.select().from(dispensing).where(inArray(dispensing.prescriptionId, prescriptionIds)),
		db.select().from(dispenseLine).where(inArray(dispenseLine.prescriptionId, prescriptionIds))
	]);
	return { states: new Map(states.map((s) => [s.prescriptionId, s])), lines: new Map(lines.map((l) => [l.prescriptionLineId, l])) };
}

/** Urgent first, then the order they arrived in; collected ones last. */
export function queueOrder<P extends { urgent: boolean; status: PharmacyStatus; issuedAt: string }>(list: P[]): P[] {
	const rank = (p: P) => (p.status === 'collected' ? 2 : p.status === 'ready' ? 1 : 0);
	return [...list].sort((a, b) => rank(a) - rank(b) || Number(b.urgent) - Number(a.urgent) || a.issuedAt.localeCompare(b.issuedAt));
}

/** `GET …/pharmacy/queue`: issued prescriptions of the last two days, in serving order. */
export async function pharmacyQueue(db: Reader, ctx: ClinicContext, now = new Date()): Promise<{ prescriptions: QueuePrescription[] }> {
	if (!can(ctx.actor, 'pharmacy.view')) throw forbidden();
	const since = new Date(now.getTime() - 2 * 86_400_000);
	const rows = await db
		.select({ rx: prescription, patientName: patient.name })
		.from(prescription)
		.innerJoin(patient, eq(patient.id, prescription.patientId))
		.where(and(eq(prescription.clinicId, ctx.clinicId), isNotNull(prescription.issuedAt), gte(prescription.issuedAt, since)))
		.orderBy(desc(prescription.issuedAt))
		.limit(300);
	const ids = rows.map((r) => r.rx.id);
	const lines = ids.length
		? await db.select().from(prescriptionLine).where(inArray(prescriptionLine.prescriptionId, ids)).orderBy(asc(prescriptionLine.position))
		: [];
	const { states, lines: lineStates } = await dispensingStates(db, ids);
	return {
		prescriptions: queueOrder(
			rows.map(({ rx, patientName }) => {
				const state = states.get(rx.id);
				return {
					id: rx.id,
					patient: { id: rx.patientId, name: patientName },
					visitId: rx.visitId,
					doctorId: rx.doctorId,
					urgent: rx.urgent,
					status: state?.status ?? 'waiting',
					issuedAt: rx.issuedAt!.toISOString(),
					preparedBy: state?.preparedBy ?? null,
					readyAt: state?.readyAt?.toISOString() ?? null,
					collectedAt: state?.collectedAt?.toISOString() ?? null,
					lines: lines
						.filter((l) => l.prescriptionId === rx.id)
						.map((l) => {
							const s = lineStates.get(l.id);
							return {
								id: l.id,
								medicineId: l.medicineId,
								quantity: l.quantity,
								prescribed: s?.prescribed ?? prescribedUnits(l.quantity),
								dispensed: s?.dispensed ?? 0,
								returned: s?.returned ?? 0,
								status: s?.status ?? 'pending',
								substituteMedicineId: s?.substituteMedicineId ?? null,
								note: s?.note ?? ''
							};
						})
				};
			})
		)
	};
}

/** Where one patient's prescriptions are (for the desk: no medicines, only the status). */
export async function patientPrescriptionStatuses(db: Reader, ctx: ClinicContext, patientId: string) {
	if (!can(ctx.actor, 'prescription.status')) throw forbidden();
	const rows = await db
		.select({
			id: prescription.id,
			visitId: prescription.visitId,
			issuedAt: prescription.issuedAt,
			status: dispensing.status,
			readyAt: dispensing.readyAt,
			collectedAt: dispensing.collectedAt
		})
		.from(prescription)
		.leftJoin(dispensing, eq(dispensing.prescriptionId, prescription.id))
		.where(and(eq(prescription.clinicId, ctx.clinicId), eq(prescription.patientId, patientId), isNotNull(prescription.issuedAt)))
		.orderBy(desc(prescription.issuedAt))
		.limit(20);
	return rows.map((r) => ({
		id: r.id,
		visitId: r.visitId,
		issuedAt: r.issuedAt!.toISOString(),
		status: r.status ?? 'waiting',
		readyAt: r.readyAt?.toISOString() ?? null,
		collectedAt: r.collectedAt?.toISOString() ?? null
	}));
}
