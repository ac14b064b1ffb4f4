import { documentKindOf, type DocumentRef, type DocumentType } from '../../sync/protocol';
import type { Role } from '../db/schema';

/**
 * Who holds a sync connection: a signed-in person (session cookie or session token), or a
 * waiting-room kiosk holding its clinic's display key.
 */
export type SyncActor =
	| { kind: 'user'; userId: string; name: string; userKind: 'staff' | 'patient' }
	| { kind: 'display'; clinicId: string; keyId?: string };

/**
 * What the server looked up about one document for one actor. `role` is the actor's active
 * role in the clinic that owns the document (for a patient's live document: in any of the
 * patient's clinics), or null.
 */
export type DocumentFacts = {
	clinicId: string | null;
	role: Role | null;
	/** A collaborative document that a command has snapshotted into Postgres: read-only from then on. */
	closed: boolean;
	/** `visit/{id}/chart`: the visit's clinicians, who may write the chart. */
	clinicianUserIds?: readonly string[];
	/** `patient/{id}/live`: the account of the patient it belongs to. */
	patientUserId?: string | null;
};

export type DocumentAccess = 'none' | 'read' | 'write';
export type SyncAction = 'document.read' | 'document.write';

const anyStaff: readonly Role[] = ['admin', 'doctor', 'reception', 'pharmacist'];

/** Staff roles that may read, and that may write, each kind of document (docs/ARCHITECTURE.md, "The document catalogue"). */
const staffRules: Record<DocumentType, { read: readonly Role[]; write: readonly Role[] }> = {
	calendar: { read: anyStaff, write: [] },
	desk: { read: anyStaff, write: anyStaff },
	queue: { read: anyStaff, write: [] },
	display: { read: anyStaff, write: [] },
	pharmacy: { read: ['pharmacist', 'doctor'], write: [] },
	staff: { read: anyStaff, write: [] },
	/** Patients' names and wishes: the people who book (the same roles as `appointment.book`). */
	waitlist: { read: ['admin', 'doctor', 'reception'], write: [] },
	chart: { read: ['doctor'], write: [] },
	patientLive: { read: anyStaff, write: [] }
};

function userAccess(actor: Extract<SyncActor, { kind: 'user' }>, ref: DocumentRef, facts: DocumentFacts): DocumentAccess {
	if (ref.type === 'patientLive' && facts.patientUserId === actor.userId) return 'read';
	if (actor.userKind !== 'staff' || !facts.role) return 'none';
	const rule = staffRules[ref.type];
	const isClinician = ref.type === 'chart' && (facts.clinicianUserIds ?? []).includes(actor.userId);
	if (isClinician || rule.write.includes(facts.role)) return 'write';
	return rule.read.includes(facts.role) ? 'read' : 'none';
}

/**
 * How far the actor may open the document: the one rule the sync server applies, pure like
 * the tenancy `can()`. Projections are never writable; closed collaborative documents are read-only.
 */
export function documentAccess(actor: SyncActor, ref: DocumentRef, facts: DocumentFacts): DocumentAccess {
	const access =
		actor.kind === 'display'
			? ref.type === 'display' && ref.clinicId === actor.clinicId
				? 'read'
				: 'none'
			: userAccess(actor, ref, facts);
	if (access === 'write' && (documentKindOf(ref) === 'projection' || facts.closed)) return 'read';
	return access;
}

export function can(actor: SyncActor, action: SyncAction, ref: DocumentRef, facts: DocumentFacts): boolean {
	const access = documentAccess(actor, ref, facts);
	return action === 'document.read' ? access !== 'none' : access === 'write';
}
