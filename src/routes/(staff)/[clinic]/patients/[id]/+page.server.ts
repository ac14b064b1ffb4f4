import { error } from '@sveltejs/kit';
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
import type { Actions, PageServerLoad } from './$types';

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
		notice: ['registered', 'merged'].find((key) => event.url.searchParams.has(key)) ?? null
	};
};

export const actions: Actions = {
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
