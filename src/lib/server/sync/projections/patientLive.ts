import { eq } from 'drizzle-orm';
import type { DocumentRef } from '../../../sync/protocol';
import { clinic, patient } from '../../db/schema';
import type { Db } from '../../db';
import type { FactsLocator } from '../catalogue';
import { roleIn } from '../access';
import type { ProjectionContent } from '../projection';
import type { PatientLiveContent } from '../../../sync/contracts/queue';
import { clinicToday } from '../../../time';
import { tokenLabel } from '../../queue/queries';
import { waitMinutes } from '../../queue/estimate';
import { sharedQueueDay } from './queueDay';
import { patientMedicinesStatus } from '../../pharmacy/patientMedicines';

type RecordHome = { clinicId: string; timezone: string };
/** A record's clinic never changes; remembering it spares a read per live document per queue change. */
const homes = new Map<string, RecordHome>();
const HOMES_KEPT = 20_000;

async function recordHome(db: Db, patientId: string, fresh = false): Promise<RecordHome | null> {
	const known = fresh ? undefined : homes.get(patientId);
	if (known) return known;
	const [row] = await db
		.select({ clinicId: patient.clinicId, timezone: clinic.timezone })
		.from(patient)
		.innerJoin(clinic, eq(clinic.id, patient.clinicId))
		.where(eq(patient.id, patientId));
	if (!row) return null;
	if (homes.size >= HOMES_KEPT) homes.clear();
	homes.set(patientId, row);
	return row;
}

/**
 * `patient/{id}/live`: one patient record's own view of today: their token, its state, how many
 * are ahead and the estimated wait, as the order rule predicts them (prediction.ts): an early
 * appointment patient is told their appointment time, not a place among walk-ins who will go
 * first. Nothing about other patients. Also where their recent prescriptions are at the pharmacy
 * (status only, no medicines), so the phone says when they are ready. Every patient document of a clinic-day rebuilt by one
 * change shares the one read of that day (sharedQueueDay), like the queue and display documents.
 */
export async function projectPatientLive(db: Db, ref: DocumentRef): Promise<ProjectionContent> {
	if (ref.type !== 'patientLive') throw new Error(`patientLive projection asked for ${ref.type}`);
	let record = await recordHome(db, ref.patientId);
	if (!record) return { queue: null } satisfies PatientLiveContent;
	const prescriptions = await patientMedicinesStatus(db, ref.patientId);
	let loaded = await sharedQueueDay(db, record.clinicId, clinicToday(record.timezone));
	// The clinic changed its time zone since the record was remembered: look again.
	if (loaded && loaded.home.timezone !== record.timezone) {
		record = (await recordHome(db, ref.patientId, true)) ?? record;
		loaded = await sharedQueueDay(db, record.clinicId, clinicToday(record.timezone));
	}
	if (!loaded) return { queue: null, prescriptions } satisfies PatientLiveContent;
	const { home, day } = loaded;
	const now = day.now;
	// A token cancelled by a merge is not the patient's place: their other token is.
	const mine = day.tokens
		.filter((t) => t.patientId === ref.patientId && t.status !== 'cancelled')
		.sort((a, b) => b.checkedInAt.getTime() - a.checkedInAt.getTime())[0];
	if (!mine) return { clinic: { name: home.name, code: home.code }, day: day.day, queue: null, prescriptions } satisfies PatientLiveContent;
	const plan = day.prediction.find((p) => p.tokenId === mine.id);
	// Their line's doctor, or the one who called them; never a doctor merely forecast for a shared walk-in.
	const doctorId = mine.calledBy ?? mine.doctorId;
	return {
		clinic: { name: home.name, code: home.code },
		day: day.day,
		queue: {
			token: tokenLabel(mine),
			status: mine.status,
			ahead: plan ? plan.ahead : null,
			waitMinutes: plan?.callAt ? waitMinutes(now, plan.callAt) : null,
			doctor: day.doctors.find((d) => d.id === doctorId)?.name ?? null,
			sharedLine: mine.status === 'waiting' && doctorId === null,
			appointmentAt: plan?.waitsUntil?.toISOString() ?? null,
			// Once called, where to go.
			room: mine.status === 'with_doctor' ? mine.roomName : null,
			calledAt: mine.calledAt?.toISOString() ?? null,
			checkedInAt: mine.checkedInAt.toISOString()
		},
		prescriptions
	} satisfies PatientLiveContent;
}

/** Who may open a patient's live documents (`live`, `appointments`): that patient's account, and staff of the record's clinic. */
export const locatePatientLive: FactsLocator = async (db, ref, actor) => {
	if (ref.type !== 'patientLive' && ref.type !== 'patientAppointments') return null;
	const [record] = await db.select({ clinicId: patient.clinicId, userId: patient.userId }).from(patient).where(eq(patient.id, ref.patientId));
	if (!record) return null;
	return { clinicId: record.clinicId, role: await roleIn(db, actor, record.clinicId), closed: false, patientUserId: record.userId };
};
