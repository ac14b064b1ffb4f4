import { and, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { appUser, clinic, membership, patient, referral, visit, type Referral, type ReferralStatus } from '../db/schema';
import type { Db, Tx } from '../db';
import { requiredIdempotency, optionalIdempotency, runCommand } from '../command';
import { appendAudit } from '../audit/audit';
import { AppError, badRequest, conflict, forbidden } from '../errors';
import { parseInput } from '../validation';
import { documentsChanged } from '../sync/changes';
import { documentName } from '../../sync/protocol';
import { emit } from '../notifications/outbox';
import { formatRef, nextNumber } from '../tenancy/counters';
import type { ClinicContext } from '../tenancy/context';
import { isClinicDoctor } from '../tenancy/doctors';
import { isUuid } from '../text';
import { can } from './policy';
import { acceptReferralInput, createReferralInput, declineReferralInput, listReferralsInput, REFERRAL_REMINDER_DAYS } from './schema';

type Reader = Db | Tx;

/**
 * A referral as the API and the screens show it. `ref` is the sending clinic's reference
 * (`ABC01-R1000`); `patient` is the sending clinic's record; `toPatientId` the receiving
 * clinic's (the same id within a clinic).
 */
export type ReferralView = {
	id: string;
	ref: string;
	status: ReferralStatus;
	patientId: string;
	patientName: string;
	patientRef: string;
	patientPhone: string | null;
	visitId: string | null;
	fromClinic: { code: string; name: string };
	fromDoctorId: string;
	fromDoctorName: string;
	toClinic: { code: string; name: string };
	toDoctorId: string;
	toDoctorName: string;
	toPatientId: string | null;
	note: string;
	discount: { percent: number } | { amount: number } | null;
	declineReason: string | null;
	appointmentId: string | null;
	seenVisitId: string | null;
	createdAt: string;
	updatedAt: string;
};

const fromClinic = alias(clinic, 'from_clinic');
const toClinic = alias(clinic, 'to_clinic');
const fromDoctor = alias(appUser, 'from_doctor');
const toDoctor = alias(appUser, 'to_doctor');

const selectViews = (db: Reader) =>
	db
		.select({
			row: referral,
			patientName: patient.name,
			patientRefNo: patient.refNo,
			patientPhone: patient.phone,
			fromCode: fromClinic.code,
			fromName: fromClinic.name,
			toCode: toClinic.code,
			toName: toClinic.name,
			fromDoctorName: fromDoctor.name,
			toDoctorName: toDoctor.name
		})
		.from(referral)
		.innerJoin(patient, eq(patient.id, referral.patientId))
		.innerJoin(fromClinic, eq(fromClinic.id, referral.clinicId))
		.innerJoin(toClinic, eq(toClinic.id, referral.toClinicId))
		.innerJoin(fromDoctor, eq(fromDoctor.id, referral.fromDoctorId))
		.innerJoin(toDoctor, eq(toDoctor.id, referral.toDoctorId));

type Selected = Awaited<ReturnType<ReturnType<typeof selectViews>['execute']>>[number];

function present(s: Selected): ReferralView {
	const r = s.row;
	return {
		id: r.id,
		ref: formatRef(s.fromCode, 'R', r.refNo),
		status: r.status,
		patientId: r.patientId,
		patientName: s.patientName,
		patientRef: formatRef(s.fromCode, 'P', s.patientRefNo),
		patientPhone: s.patientPhone,
		visitId: r.visitId,
		fromClinic: { code: s.fromCode, name: s.fromName },
		fromDoctorId: r.fromDoctorId,
		fromDoctorName: s.fromDoctorName,
		toClinic: { code: s.toCode, name: s.toName },
		toDoctorId: r.toDoctorId,
		toDoctorName: s.toDoctorName,
		toPatientId: r.toPatientId,
		note: r.note,
		discount: r.discountPercent !== null ? { percent: r.discountPercent } : r.discountAmount !== null ? { amount: r.discountAmount } : null,
		declineReason: r.declineReason,
		appointmentId: r.appointmentId,
		seenVisitId: r.seenVisitId,
		createdAt: r.createdAt.toISOString(),
		updatedAt: r.updatedAt.toISOString()
	};
}

const noSuchReferral = () => new AppError('not_found', 404, 'No such referral', 'referralId');

async function viewOf(db: Reader, id: string): Promise<ReferralView> {
	const [found] = await selectViews(db).where(eq(referral.id, id));
	if (!found) throw noSuchReferral();
	return present(found);
}

/**
 * The clinics a referral from this clinic may go to: itself, and every active clinic that has
 * an active administrator in common with it (its branches).
 */
export async function referralClinics(db: Reader, clinicId: string): Promise<{ id: string; code: string; name: string }[]> {
	const ownAdmin = alias(membership, 'own_admin');
	const theirAdmin = alias(membership, 'their_admin');
	return db
		.selectDistinct({ id: clinic.id, code: clinic.code, name: clinic.name })
		.from(clinic)
		.leftJoin(theirAdmin, and(eq(theirAdmin.clinicId, clinic.id), eq(theirAdmin.role, 'admin'), eq(theirAdmin.status, 'active')))
		.leftJoin(ownAdmin, and(eq(ownAdmin.userId, theirAdmin.userId), eq(ownAdmin.clinicId, clinicId), eq(ownAdmin.role, 'admin'), eq(ownAdmin.status, 'active')))
		.where(and(eq(clinic.status, 'active'), or(eq(clinic.id, clinicId), sql`${ownAdmin.userId} IS NOT NULL`)))
		.orderBy(clinic.name);
}

/** The live document of the clinic a referral is addressed to. */
const referralsChanged = (tx: Tx, clinicIds: string[]) =>
	documentsChanged(
		tx,
		[...new Set(clinicIds)].map((id) => documentName.referrals(id))
	);

/**
 * A doctor refers a patient of theirs to a colleague of the same clinic or of a branch, with a
 * note and, optionally, a discount for billing to apply. The receiving clinic's referrals
 * document shows it at once.
 */
export async function createReferral(db: Db, ctx: ClinicContext, input: unknown): Promise<ReferralView> {
	if (!can(ctx.actor, 'referral.send')) throw forbidden('Only a doctor refers a patient');
	const data = parseInput(createReferralInput, input);
	const idempotency = requiredIdempotency(`referral.create:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, { ...data, idempotencyKey: undefined });
	const id = await runCommand(db, idempotency, async (tx) => {
		const [found] = await tx
			.select({ id: patient.id })
			.from(patient)
			.where(and(eq(patient.id, data.patientId), eq(patient.clinicId, ctx.clinicId), isNull(patient.mergedIntoId)));
		if (!found) throw new AppError('not_found', 404, 'No such patient', 'patientId');
		if (data.visitId) {
			const [v] = await tx
				.select({ id: visit.id })
				.from(visit)
				.where(and(eq(visit.id, data.visitId), eq(visit.clinicId, ctx.clinicId), eq(visit.patientId, data.patientId)));
			if (!v) throw badRequest("That visit is not this patient's visit here", 'visitId', 'field_invalid');
		}
		let toClinicId = ctx.clinicId;
		if (data.toClinic) {
			const target = (await referralClinics(tx, ctx.clinicId)).find((c) => c.code === data.toClinic);
			if (!target) throw badRequest('Referrals go to this clinic or to a branch with the same administrator', 'toClinic', 'referral_clinic_invalid');
			toClinicId = target.id;
		}
		if (toClinicId === ctx.clinicId && data.toDoctorId === ctx.actor.userId)
			throw badRequest('A doctor does not refer a patient to themselves', 'toDoctorId', 'referral_doctor_invalid');
		if (!(await isClinicDoctor(tx, toClinicId, data.toDoctorId))) throw badRequest('No such doctor in that clinic', 'toDoctorId', 'referral_doctor_invalid');
		const refNo = await nextNumber(tx, ctx.clinicId, 'R');
		const [row] = await tx
			.insert(referral)
			.values({
				clinicId: ctx.clinicId,
				refNo,
				patientId: data.patientId,
				visitId: data.visitId ?? null,
				fromDoctorId: ctx.actor.userId,
				toClinicId,
				toDoctorId: data.toDoctorId,
				toPatientId: toClinicId === ctx.clinicId ? data.patientId : null,
				note: data.note,
				discountPercent: data.discount && 'percent' in data.discount ? data.discount.percent : null,
				discountAmount: data.discount && 'amount' in data.discount ? data.discount.amount : null
			})
			.returning({ id: referral.id });
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'referral.create',
			entityType: 'referral',
			entityId: row.id,
			data: { toClinicId, toDoctorId: data.toDoctorId, patientId: data.patientId, discount: data.discount ?? null }
		});
		await referralsChanged(tx, [toClinicId]);
		return row.id;
	});
	return viewOf(db, id);
}

/**
 * The referrals of this clinic the person may see: `to=me` those sent to them, `from=me` those
 * they sent, neither: every referral sent to or from the clinic. Newest first, at most 200.
 */
export async function listReferrals(db: Reader, ctx: ClinicContext, query: unknown): Promise<ReferralView[]> {
	if (!can(ctx.actor, 'referral.view')) throw forbidden();
	const { to, from } = parseInput(listReferralsInput, query);
	const me = ctx.actor.userId;
	const incoming = and(eq(referral.toClinicId, ctx.clinicId), to ? eq(referral.toDoctorId, me) : undefined);
	const outgoing = and(eq(referral.clinicId, ctx.clinicId), from ? eq(referral.fromDoctorId, me) : undefined);
	const where = to && !from ? incoming : from && !to ? outgoing : or(incoming, outgoing);
	const rows = await selectViews(db).where(where).orderBy(desc(referral.createdAt)).limit(200);
	return rows.map(present);
}

async function lockIncoming(tx: Tx, ctx: ClinicContext, referralId: string): Promise<Referral> {
	const [row] = isUuid(referralId)
		? await tx
				.select()
				.from(referral)
				.where(and(eq(referral.id, referralId), eq(referral.toClinicId, ctx.clinicId)))
				.for('update')
		: [];
	if (!row) throw noSuchReferral();
	if (row.toDoctorId !== ctx.actor.userId) throw forbidden('Only the doctor a referral is addressed to answers it');
	return row;
}

const wrongState = (status: ReferralStatus) => conflict(`The referral is already ${status}`, 'referral_state', 'status');

/**
 * The receiving doctor accepts. Within a clinic the patient's record is the same; a branch's
 * referral may name the receiving clinic's own record of the patient (`patientId`), so that
 * booking and seeing the patient there move the referral on.
 */
export async function acceptReferral(db: Db, ctx: ClinicContext, referralId: string, input: unknown): Promise<ReferralView> {
	if (!can(ctx.actor, 'referral.respond')) throw forbidden();
	const data = parseInput(acceptReferralInput, input);
	const idempotency = optionalIdempotency(`referral.accept:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, { referralId, patientId: data.patientId });
	const id = await runCommand(db, idempotency, async (tx) => {
		const row = await lockIncoming(tx, ctx, referralId);
		if (row.status !== 'sent') throw wrongState(row.status);
		let toPatientId = row.toPatientId;
		if (data.patientId) {
			const [own] = await tx
				.select({ id: patient.id })
				.from(patient)
				.where(and(eq(patient.id, data.patientId), eq(patient.clinicId, ctx.clinicId), isNull(patient.mergedIntoId)));
			if (!own) throw new AppError('not_found', 404, 'No such patient', 'patientId');
			toPatientId = own.id;
		}
		await tx.update(referral).set({ status: 'accepted', toPatientId, updatedAt: new Date() }).where(eq(referral.id, row.id));
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'referral.accept',
			entityType: 'referral',
			entityId: row.id,
			data: { toPatientId }
		});
		await referralsChanged(tx, [row.toClinicId]);
		return row.id;
	});
	return viewOf(db, id);
}

/** The receiving doctor declines, with the reason the referring doctor reads. */
export async function declineReferral(db: Db, ctx: ClinicContext, referralId: string, input: unknown): Promise<ReferralView> {
	if (!can(ctx.actor, 'referral.respond')) throw forbidden();
	const data = parseInput(declineReferralInput, input);
	const idempotency = optionalIdempotency(`referral.decline:${ctx.clinicId}`, ctx.actor.userId, data.idempotencyKey, { referralId, reason: data.reason });
	const id = await runCommand(db, idempotency, async (tx) => {
		const row = await lockIncoming(tx, ctx, referralId);
		if (row.status !== 'sent' && row.status !== 'accepted') throw wrongState(row.status);
		await tx.update(referral).set({ status: 'declined', declineReason: data.reason, updatedAt: new Date() }).where(eq(referral.id, row.id));
		await appendAudit(tx, {
			clinicId: ctx.clinicId,
			actorUserId: ctx.actor.userId,
			action: 'referral.decline',
			entityType: 'referral',
			entityId: row.id,
			data: { reason: data.reason }
		});
		await referralsChanged(tx, [row.toClinicId]);
		return row.id;
	});
	return viewOf(db, id);
}

/**
 * Inside a booking command: an appointment for a referred patient with the doctor they were
 * referred to moves the open referral to `booked`.
 */
export async function referralsBooked(tx: Tx, clinicId: string, patientId: string, doctorId: string, appointmentId: string): Promise<void> {
	const moved = await tx
		.update(referral)
		.set({ status: 'booked', appointmentId, updatedAt: new Date() })
		.where(
			and(
				eq(referral.toClinicId, clinicId),
				eq(referral.toPatientId, patientId),
				eq(referral.toDoctorId, doctorId),
				inArray(referral.status, ['sent', 'accepted'])
			)
		)
		.returning({ id: referral.id });
	if (moved.length > 0) await referralsChanged(tx, [clinicId]);
}

/** Inside a command that starts a visit: seeing the referred patient completes the referral (`seen`). */
export async function referralsSeen(tx: Tx, clinicId: string, patientId: string, doctorId: string, visitId: string): Promise<void> {
	const moved = await tx
		.update(referral)
		.set({ status: 'seen', seenVisitId: visitId, updatedAt: new Date() })
		.where(
			and(
				eq(referral.toClinicId, clinicId),
				eq(referral.toPatientId, patientId),
				eq(referral.toDoctorId, doctorId),
				inArray(referral.status, ['sent', 'accepted', 'booked'])
			)
		)
		.returning({ id: referral.id });
	if (moved.length > 0) await referralsChanged(tx, [clinicId]);
}

/**
 * Reminds each referring doctor, once, of a referral still unanswered after
 * `REFERRAL_REMINDER_DAYS` days (an email through the outbox). Run by the background workers;
 * answers how many reminders it wrote.
 */
export async function remindStaleReferrals(db: Db, now = new Date(), days = REFERRAL_REMINDER_DAYS): Promise<number> {
	const before = new Date(now.getTime() - days * 86_400_000);
	return runCommand(db, null, async (tx) => {
		const due = await tx
			.select({ id: referral.id, clinicId: referral.clinicId, fromDoctorId: referral.fromDoctorId })
			.from(referral)
			.where(and(eq(referral.status, 'sent'), lt(referral.createdAt, before), isNull(referral.remindedAt)))
			.orderBy(referral.createdAt)
			.limit(100)
			.for('update', { skipLocked: true });
		for (const row of due) {
			await tx.update(referral).set({ remindedAt: now }).where(eq(referral.id, row.id));
			await emit(tx, row.clinicId, { type: 'referral.reminder', payload: { referralId: row.id, doctorId: row.fromDoctorId } });
		}
		return due.length;
	});
}
