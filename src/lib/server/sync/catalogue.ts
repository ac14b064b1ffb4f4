import { eq } from 'drizzle-orm';
import { documentKindOf, documentName, type DocumentRef, type DocumentType } from '../../sync/protocol';
import type { Db } from '../db';
import { visit } from '../db/schema';
import { roleIn } from './access';
import { isDocumentClosed } from './persistence';
import type { DocumentFacts, SyncActor } from './policy';
import type { ProjectionRegistry } from './projection';
import { projectClinicStaff } from './projections/staff';
import { projectClinicQueue } from './projections/queue';
import { projectClinicDisplay } from './projections/display';
import { locatePatientLive, projectPatientLive } from './projections/patientLive';
import { projectClinicCalendar, projectClinicWaitlist } from '../scheduling/project';
import { projectPatientAppointments } from '../scheduling/patientProject';
import { projectClinicReferrals } from '../referrals/project';
import { projectClinicPharmacy } from '../pharmacy/project';

/**
 * Looks up what the policy needs to know about a document for an actor; null when the
 * document does not exist (the server answers "unknown document").
 */
export type FactsLocator = (db: Db, ref: DocumentRef, actor: SyncActor) => Promise<DocumentFacts | null>;

/**
 * The document catalogue as the server runs it. A domain that owns a document kind adds its
 * locator (for kinds whose clinic is not in the name) and, for a projection, its builder:
 * one line each below.
 */
export type Catalogue = {
	projections: ProjectionRegistry;
	locators: Partial<Record<DocumentType, FactsLocator>>;
};

/** Documents named `clinic/{clinicId}/…`: the actor's role in that clinic decides. */
export const locateClinicDocument: FactsLocator = async (db, ref, actor) => {
	if (!('clinicId' in ref)) return null;
	const closed = documentKindOf(ref) === 'collaborative' ? await isDocumentClosed(db, nameOf(ref)) : false;
	return { clinicId: ref.clinicId, role: await roleIn(db, actor, ref.clinicId), closed };
};

/**
 * `visit/{visitId}/chart`: the visit's clinic (the actor's role there through the one access
 * decision), its doctor as the clinician who writes it, and closed once the visit is completed
 * (its document closed by "complete visit", or a visit completed before charts existed).
 */
export const locateVisitChart: FactsLocator = async (db, ref, actor) => {
	if (ref.type !== 'chart') return null;
	const [row] = await db.select({ clinicId: visit.clinicId, doctorId: visit.doctorId, status: visit.status }).from(visit).where(eq(visit.id, ref.visitId));
	if (!row) return null;
	const closed = row.status === 'completed' || (await isDocumentClosed(db, nameOf(ref)));
	return { clinicId: row.clinicId, role: await roleIn(db, actor, row.clinicId), closed, clinicianUserIds: [row.doctorId] };
};

/** Rebuilds a name from a parsed ref (the protocol is the only place that spells names). */
export function nameOf(ref: DocumentRef): string {
	switch (ref.type) {
		case 'calendar':
		case 'desk':
		case 'queue':
		case 'display':
			return documentName[ref.type](ref.clinicId, ref.day);
		case 'pharmacy':
		case 'staff':
		case 'waitlist':
		case 'referrals':
			return documentName[ref.type](ref.clinicId);
		case 'chart':
			return documentName.chart(ref.visitId);
		case 'patientLive':
		case 'patientAppointments':
			return documentName[ref.type](ref.patientId);
	}
}

export function defaultCatalogue(): Catalogue {
	return {
		projections: {
			staff: projectClinicStaff,
			queue: projectClinicQueue,
			display: projectClinicDisplay,
			patientLive: projectPatientLive,
			patientAppointments: projectPatientAppointments,
			calendar: projectClinicCalendar,
			waitlist: projectClinicWaitlist,
			referrals: projectClinicReferrals,
			pharmacy: (db, ref) => projectClinicPharmacy(db, ref)
		},
		locators: {
			calendar: locateClinicDocument,
			desk: locateClinicDocument,
			queue: locateClinicDocument,
			display: locateClinicDocument,
			pharmacy: locateClinicDocument,
			staff: locateClinicDocument,
			waitlist: locateClinicDocument,
			referrals: locateClinicDocument,
			patientLive: locatePatientLive,
			patientAppointments: locatePatientLive,
			chart: locateVisitChart
		}
	};
}
