import { error, redirect } from '@sveltejs/kit';
import { and, asc, eq } from 'drizzle-orm';
import { getDatabase } from '$lib/server/db';
import { requireClinic } from '$lib/server/edge/access';
import { formFailure, formValues } from '$lib/server/edge';
import { errorMessage } from '$lib/i18n/errors';
import { formatRef } from '$lib/server/tenancy/counters';
import type { Patient } from '$lib/server/db/schema/patients';
import { can } from '$lib/server/patients/policy';
import { getPatient } from '$lib/server/patients/queries';
import { listPatientDocuments, mergeHistory } from '$lib/server/patients/recordQueries';
import { updatePatient } from '$lib/server/patients/updatePatient';
import { uploadPatientDocument } from '$lib/server/patients/uploadPatientDocument';
import { deletePatientDocument } from '$lib/server/patients/deletePatientDocument';
import { createLinkCode } from '$lib/server/patients/createLinkCode';
import { unlinkPatientAccount } from '$lib/server/patients/unlinkPatientAccount';
import { recordAccount } from '$lib/server/patients/linkQueries';
import { clinicDay, clinicToday } from '$lib/time';
import { randomUUID } from 'node:crypto';
import { can as scheduling } from '$lib/server/scheduling/policy';
import { can as queue } from '$lib/server/queue/policy';
import { isMovableStatus, patientAppointmentHistory } from '$lib/server/scheduling/queries';
import { clinicDoctors } from '$lib/server/tenancy/doctors';
import { patientQueueHistory } from '$lib/server/queue/queries';
import { checkInPatient } from '$lib/server/queue/checkIn';
import type { ClinicContext } from '$lib/server/tenancy/context';
import type { Clinic } from '$lib/server/db/schema';
import type { Db } from '$lib/server/db';
import { correctionInput, formOf } from '../forms';
import { readClinicalRecord } from '$lib/server/patients/clinicalRecord';
import { completedVisits, vitalsOverTime } from '$lib/server/patients/timeline';
import { recordActions } from './recordActions';
import { appUser, visit } from '$lib/server/db/schema';
import { can as visits } from '$lib/server/visits/policy';
import { openVisit } from '$lib/server/visits/openVisit';
import { isAppError } from '$lib/server/errors';
import { can as pharmacy } from '$lib/server/pharmacy/policy';
import { patientPrescriptionStatuses } from '$lib/server/pharmacy/dispense';
import type { Actions, PageServerLoad } from './$types';

/**
 * Starting a visit from the record (a patient seen without the queue, at home, by phone): for a
 * doctor their own, for a nurse a doctor's of their choice; the visits already open, to go back to.
 */
async function visitStart(db: Db, clinic: Clinic, ctx: ClinicContext, patientId: string, live: boolean) {
	if (!visits(ctx.actor, 'chart.view')) return null;
	const open = await db
		.select({ id: visit.id, refNo: visit.refNo, doctorName: appUser.name, startedAt: visit.startedAt })
		.from(visit)
		.innerJoin(appUser, eq(appUser.id, visit.doctorId))
		.where(and(eq(visit.clinicId, clinic.id), eq(visit.patientId, patientId), eq(visit.status, 'open')))
		.orderBy(asc(visit.startedAt));
	const canStart = live && visits(ctx.actor, 'visit.open', { clinicianUserIds: [ctx.actor.userId] });
	return {
		open: open.map((v) => ({ id: v.id, ref: formatRef(clinic.code, 'V', v.refNo), doctorName: v.doctorName, startedAt: v.startedAt.toISOString() })),
		canStart,
		doctors: canStart && ctx.actor.role === 'nurse' ? await clinicDoctors(db, clinic.id) : null,
		canRefer: live && ctx.actor.role === 'doctor',
		key: randomUUID()
	};
}

const notFound = (): never => error(404, { message: errorMessage('not_found'), code: 'not_found' });

const withRef = (record: Patient, code: string): Patient & { ref: string } => ({ ...record, ref: formatRef(code, 'P', record.refNo) });

/**
 * The record's appointments and tokens, each read through its domain's policy (null where the role
 * may not look), and whether the desk may check the patient in today: for an appointment of today
 * still open, or as a walk-in when they hold no place in today's line.
 */
async function visitHistory(db: Db, clinic: Clinic, ctx: ClinicContext, patientId: string, live: boolean) {
	const today = clinicToday(clinic.timezone);
	const appointments = scheduling(ctx.actor, 'calendar.view') ? await patientAppointmentHistory(db, ctx, patientId) : null;
	const tokens = queue(ctx.actor, 'queue.view') ? await patientQueueHistory(db, ctx, patientId) : null;
	const inLine = tokens?.find((t) => t.day === today && (t.status === 'waiting' || t.status === 'with_doctor')) ?? null;
	const canCheckIn = live && queue(ctx.actor, 'queue.checkIn');
	return {
		appointments:
			appointments?.map((a) => ({
				id: a.id,
				ref: formatRef(clinic.code, 'A', a.refNo),
				start: a.startsAt.toISOString(),
				end: a.endsAt.toISOString(),
				status: a.status,
				doctorName: a.doctorName,
				type: a.type,
				reason: a.reason,
				cancelReason: a.cancelReason,
				checkIn: canCheckIn && !inLine && isMovableStatus(a.status) && clinicDay(a.startsAt, clinic.timezone) === today
			})) ?? null,
		tokens,
		inLine: inLine ? { token: inLine.token } : null,
		canBook: live && scheduling(ctx.actor, 'appointment.book'),
		walkIn: canCheckIn && !inLine ? { doctors: await clinicDoctors(db, clinic.id), key: randomUUID() } : null
	};
}

export const load: PageServerLoad = async (event) => {
	const { clinic, ctx } = await requireClinic(event, event.params.clinic);
	if (!can(ctx.actor, 'patient.view')) error(403, { message: errorMessage('forbidden'), code: 'forbidden' });
	const { db } = await getDatabase();
	const record = await getPatient(db, clinic.id, event.params.id);
	if (!record) return notFound();
	const today = clinicToday(clinic.timezone);
	const history = await mergeHistory(db, clinic.id, record.id);
	const canDocuments = can(ctx.actor, 'patient.documents');
	const live = !record.mergedIntoId;
	return {
		patient: withRef(record, clinic.code),
		form: formOf(record, today),
		today,
		country: clinic.country,
		history: {
			absorbed: history.absorbed.map((h) => ({ ...h, otherRef: formatRef(clinic.code, 'P', h.otherRefNo) })),
			into: history.into ? { ...history.into, otherRef: formatRef(clinic.code, 'P', history.into.otherRefNo) } : null
		},
		documents: canDocuments ? await listPatientDocuments(db, clinic.id, record.id) : null,
		canEdit: live && can(ctx.actor, 'patient.edit'),
		canDocuments: live && canDocuments,
		canMerge: live && can(ctx.actor, 'patient.merge'),
		account: live && can(ctx.actor, 'patient.account.view') ? await recordAccount(db, clinic.id, record.id) : null,
		canLink: live && can(ctx.actor, 'patient.account.link'),
		visits: await visitHistory(db, clinic, ctx, record.id, live),
		visitStart: await visitStart(db, clinic, ctx, record.id, live),
		clinicalRecord: can(ctx.actor, 'patient.record.view') ? await readClinicalRecord(db, ctx, record.id) : null,
		canWriteRecord: live && can(ctx.actor, 'patient.record.write'),
		timeline: can(ctx.actor, 'patient.timeline')
			? { visits: await completedVisits(db, ctx, record.id), vitals: await vitalsOverTime(db, ctx, record.id), temperatureUnit: clinic.temperatureUnit }
			: null,
		// Every staff role sees where the prescriptions are; the medicines stay with the clinicians and the pharmacy.
		prescriptions: pharmacy(ctx.actor, 'prescription.status') ? await patientPrescriptionStatuses(db, ctx, record.id) : null,
		notice: ['registered', 'merged'].find((key) => event.url.searchParams.has(key)) ?? null
	};
};

export const actions: Actions = {
	...recordActions,
	/** Opens a visit with the visits' own command and goes to its chart; an open one of that doctor's is gone back to. */
	startVisit: async (event) => {
		const { clinic, ctx } = await requireClinic(event, event.params.clinic);
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		let visitId: string;
		try {
			const opened = await openVisit(db, ctx, {
				patientId: event.params.id,
				doctorId: values.doctorId || undefined,
				setting: values.setting || undefined,
				idempotencyKey: values.idempotencyKey || undefined
			});
			visitId = opened.id;
		} catch (e) {
			if (isAppError(e) && e.code === 'visit_open' && typeof e.params.visitId === 'string') visitId = e.params.visitId;
			else return formFailure(e, { ...values, form: 'startVisit' });
		}
		redirect(303, `/${clinic.code}/visits/${visitId}`);
	},
	/** Checks the patient in (for today's appointment, or as a walk-in) with the queue's own command. */
	checkIn: async (event) => {
		const { ctx } = await requireClinic(event, event.params.clinic);
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		const idempotencyKey = values.idempotencyKey || undefined;
		const input = values.appointmentId
			? { appointmentId: values.appointmentId, idempotencyKey }
			: { patientId: event.params.id, doctorId: values.doctorId || undefined, idempotencyKey };
		try {
			const token = await checkInPatient(db, ctx, input);
			return { checkedIn: { token: token.token } };
		} catch (e) {
			return formFailure(e, { ...values, form: 'checkIn' });
		}
	},
	update: async (event) => {
		const { clinic, ctx } = await requireClinic(event, event.params.clinic);
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		const current = (await getPatient(db, clinic.id, event.params.id)) ?? notFound();
		try {
			await updatePatient(db, ctx, current.id, correctionInput(values, current, clinicToday(clinic.timezone)));
		} catch (e) {
			return formFailure(e, { ...values, form: 'update' });
		}
		return { saved: true };
	},
	upload: async (event) => {
		const { ctx } = await requireClinic(event, event.params.clinic);
		const data = await event.request.formData();
		const file = data.get('file');
		const kind = data.get('kind');
		const { db } = await getDatabase();
		try {
			const bytes = file instanceof File ? new Uint8Array(await file.arrayBuffer()) : new Uint8Array();
			await uploadPatientDocument(db, ctx, event.params.id, { kind, fileName: file instanceof File ? file.name : '', bytes });
		} catch (e) {
			return formFailure(e, { form: 'upload', kind: typeof kind === 'string' ? kind : '' });
		}
		return { uploaded: true };
	},
	deleteDocument: async (event) => {
		const { ctx } = await requireClinic(event, event.params.clinic);
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			await deletePatientDocument(db, ctx, event.params.id, values.documentId ?? '');
		} catch (e) {
			return formFailure(e, { form: 'documents' });
		}
		return { deleted: true };
	},
	createLinkCode: async (event) => {
		const { ctx } = await requireClinic(event, event.params.clinic);
		const { db } = await getDatabase();
		try {
			// The code is shown this once (it is not stored), so it travels in the action's result only.
			const issued = await createLinkCode(db, ctx, event.params.id);
			return { linkCode: { code: issued.code, expiresAt: issued.expiresAt.toISOString() } };
		} catch (e) {
			return formFailure(e, { form: 'account' });
		}
	},
	unlink: async (event) => {
		const { ctx } = await requireClinic(event, event.params.clinic);
		const { db } = await getDatabase();
		try {
			await unlinkPatientAccount(db, ctx, event.params.id);
		} catch (e) {
			return formFailure(e, { form: 'account' });
		}
		return { unlinked: true };
	}
};
