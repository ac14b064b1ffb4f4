import { documentKindOf, type DocumentRef, type DocumentType } from '../../sync/protocol';
import type { Role } from '../db/schema';
import type { ClinicActor } from '../tenancy/policy';
import { can as tenancy } from '../tenancy/policy';
import { can as scheduling } from '../scheduling/policy';
import { can as queue } from '../queue/policy';
import { can as patients } from '../patients/policy';
import { can as pharmacy } from '../pharmacy/policy';
import { can as visits } from '../visits/policy';
import { can as referrals } from '../referrals/policy';

/**
 * Who holds a sync connection: a signed-in person (session cookie or session token), or a
 * waiting-room kiosk holding its clinic's display key.
 */
export type SyncActor =
	| {
			kind: 'user';
			userId: string;
			name: string;
			userKind: 'staff' | 'patient';
			/** The account's standing, for the access decision (tenancy/access.ts) the locators ask. */
			mustChangePassword: boolean;
			twoFactorEnabled: boolean;
	  }
	| { kind: 'display'; clinicId: string; keyId?: string };

/**
 * What the server looked up about one document for one actor. `role` is the actor's role in the
 * clinic that owns the document as the one access decision grants it (`clinicAccess`: null for
 * another clinic, a suspended membership, or a clinic that requires a second factor the person
 * lacks), or null. For a patient's live document: their role in the record's clinic.
 */
export type DocumentFacts = {
	clinicId: string | null;
	role: Role | null;
	/** A collaborative document that a command has snapshotted into Postgres: read-only from then on. */
	closed: boolean;
	/** `visit/{id}/chart`: the visit's clinicians, who may write the chart. */
	clinicianUserIds?: readonly string[];
	/** `patient/{id}/live` and `patient/{id}/appointments`: the account of the patient it belongs to. */
	patientUserId?: string | null;
};

export type DocumentAccess = 'none' | 'read' | 'write';
export type SyncAction = 'document.read' | 'document.write';

type Rule = { read: (actor: ClinicActor, facts: DocumentFacts) => boolean; write?: (actor: ClinicActor, facts: DocumentFacts) => boolean };

/**
 * Each kind of document as the action of the domain that owns it: opening a document is that
 * domain's action, decided by that domain's own policy (no table of roles copied here).
 */
const rules: Record<DocumentType, Rule> = {
	calendar: { read: (a) => scheduling(a, 'calendar.view') },
	desk: { read: (a) => scheduling(a, 'calendar.view'), write: (a) => scheduling(a, 'desk.write') },
	queue: { read: (a) => queue(a, 'queue.view') },
	display: { read: (a) => queue(a, 'queue.view') },
	pharmacy: { read: (a) => pharmacy(a, 'pharmacy.view') },
	staff: { read: (a) => tenancy(a, 'members.view') },
	waitlist: { read: (a) => scheduling(a, 'waitlist.view') },
	referrals: { read: (a) => referrals(a, 'referral.view') },
	chart: { read: (a) => visits(a, 'chart.view'), write: (a, f) => visits(a, 'chart.write', { clinicianUserIds: f.clinicianUserIds }) },
	patientLive: { read: (a) => patients(a, 'patient.view') },
	patientAppointments: { read: (a) => patients(a, 'patient.view') }
};

function userAccess(actor: Extract<SyncActor, { kind: 'user' }>, ref: DocumentRef, facts: DocumentFacts): DocumentAccess {
	if (actor.mustChangePassword) return 'none';
	if ((ref.type === 'patientLive' || ref.type === 'patientAppointments') && facts.patientUserId === actor.userId) return 'read';
	if (actor.userKind !== 'staff' || !facts.role) return 'none';
	const clinicActor: ClinicActor = { userId: actor.userId, role: facts.role };
	const rule = rules[ref.type];
	if (rule.write?.(clinicActor, facts)) return 'write';
	return rule.read(clinicActor, facts) ? 'read' : 'none';
}

/**
 * How far the actor may open the document: the one rule the sync server applies, pure like
 * the tenancy `can()`. Projections are never writable; closed collaborative documents are read-only.
 */
export function documentAccess(actor: SyncActor, ref: DocumentRef, facts: DocumentFacts): DocumentAccess {
	const access = actor.kind === 'display' ? (ref.type === 'display' && ref.clinicId === actor.clinicId ? 'read' : 'none') : userAccess(actor, ref, facts);
	if (access === 'write' && (documentKindOf(ref) === 'projection' || facts.closed)) return 'read';
	return access;
}

export function can(actor: SyncActor, action: SyncAction, ref: DocumentRef, facts: DocumentFacts): boolean {
	const access = documentAccess(actor, ref, facts);
	return action === 'document.read' ? access !== 'none' : access === 'write';
}
