/**
 * The sync protocol shared by the browser and the sync server: document names (built and
 * parsed only here), which kind each document is, and the close codes and refusal reasons the
 * server answers with. No Node or SvelteKit imports: both sides load this file.
 */
import { isCalendarDay } from '../time';

export type DocumentKind = 'projection' | 'collaborative';

/** A parsed document name. `type` names the catalogue entry (docs/ARCHITECTURE.md, "The document catalogue"). */
export type DocumentRef =
	| { type: DayType; clinicId: string; day: string }
	| { type: 'pharmacy' | 'staff' | 'waitlist' | 'referrals'; clinicId: string }
	| { type: 'chart'; visitId: string }
	| { type: 'patientLive' | 'patientAppointments'; patientId: string };

export type DocumentType = DocumentRef['type'];

export const documentKinds: Record<DocumentType, DocumentKind> = {
	calendar: 'projection',
	desk: 'collaborative',
	queue: 'projection',
	display: 'projection',
	pharmacy: 'projection',
	staff: 'projection',
	waitlist: 'projection',
	referrals: 'projection',
	chart: 'collaborative',
	patientLive: 'projection',
	patientAppointments: 'projection'
};

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Longer than any real name; anything longer is refused before it is parsed. */
export const MAX_DOCUMENT_NAME_LENGTH = 120;

function assertUuid(id: string): string {
	if (!uuid.test(id)) throw new Error(`not a lowercase uuid: ${id}`);
	return id;
}

function assertDay(day: string): string {
	if (!isCalendarDay(day)) throw new Error(`not a YYYY-MM-DD day: ${day}`);
	return day;
}

const clinicDay = (type: string) => (clinicId: string, day: string) => `clinic/${assertUuid(clinicId)}/day/${assertDay(day)}/${type}`;

/** The only way to write a document name. */
export const documentName = {
	calendar: clinicDay('calendar'),
	desk: clinicDay('desk'),
	queue: clinicDay('queue'),
	display: clinicDay('display'),
	pharmacy: (clinicId: string) => `clinic/${assertUuid(clinicId)}/pharmacy`,
	staff: (clinicId: string) => `clinic/${assertUuid(clinicId)}/staff`,
	waitlist: (clinicId: string) => `clinic/${assertUuid(clinicId)}/waitlist`,
	referrals: (clinicId: string) => `clinic/${assertUuid(clinicId)}/referrals`,
	chart: (visitId: string) => `visit/${assertUuid(visitId)}/chart`,
	patientLive: (patientId: string) => `patient/${assertUuid(patientId)}/live`,
	patientAppointments: (patientId: string) => `patient/${assertUuid(patientId)}/appointments`
} as const;

type DayType = 'calendar' | 'desk' | 'queue' | 'display';
const dayTypes: ReadonlySet<string> = new Set<DayType>(['calendar', 'desk', 'queue', 'display']);
const isDayType = (type: string): type is DayType => dayTypes.has(type);

/** The document a name refers to, or null for anything that is not exactly a catalogue name. */
export function parseDocumentName(name: string): DocumentRef | null {
	if (name.length > MAX_DOCUMENT_NAME_LENGTH) return null;
	const parts = name.split('/');
	if (parts[0] === 'clinic' && uuid.test(parts[1] ?? '')) {
		const clinicId = parts[1];
		if (parts.length === 3 && (parts[2] === 'pharmacy' || parts[2] === 'staff' || parts[2] === 'waitlist' || parts[2] === 'referrals'))
			return { type: parts[2], clinicId };
		const type = parts[4] ?? '';
		if (parts.length === 5 && parts[2] === 'day' && isCalendarDay(parts[3]) && isDayType(type)) return { type, clinicId, day: parts[3] };
		return null;
	}
	if (parts.length !== 3 || !uuid.test(parts[1] ?? '')) return null;
	if (parts[0] === 'visit' && parts[2] === 'chart') return { type: 'chart', visitId: parts[1] };
	if (parts[0] === 'patient' && parts[2] === 'live') return { type: 'patientLive', patientId: parts[1] };
	if (parts[0] === 'patient' && parts[2] === 'appointments') return { type: 'patientAppointments', patientId: parts[1] };
	return null;
}

export function documentKindOf(ref: DocumentRef): DocumentKind {
	return documentKinds[ref.type];
}

/** The clinic a name belongs to when the name itself says so (charts and patients need a lookup). */
export function clinicIdOf(ref: DocumentRef): string | null {
	return 'clinicId' in ref ? ref.clinicId : null;
}

/**
 * Why the server refused or closed. A refused document gets a permission-denied message with
 * `reason`; a connection the server ends gets a WebSocket close with `code` and `reason`.
 */
export const SyncClose = {
	/** No valid session cookie, session token or display key. */
	unauthenticated: { code: 4401, reason: 'unauthenticated' },
	/** Signed in, but the policy does not let this person open this document. */
	forbidden: { code: 4403, reason: 'forbidden' },
	/** Not a catalogue name, or a document that does not exist. */
	unknownDocument: { code: 4404, reason: 'unknown-document' },
	/** No document was authenticated within the time allowed after connecting. */
	authenticationTimeout: { code: 4408, reason: 'authentication-timeout' },
	/** A frame that is not a well-formed message of the sync protocol. */
	malformedMessage: { code: 4400, reason: 'malformed-message' },
	/** More messages per second than a connection may send. */
	rateLimited: { code: 4429, reason: 'rate-limited' },
	/** More documents on one connection, or held open by one person across all their connections, than allowed. */
	tooManyDocuments: { code: 4430, reason: 'too-many-documents' },
	/** An update that would grow a collaborative document past its size cap; the update was not kept. */
	documentFull: { code: 4413, reason: 'document-full' },
	/**
	 * An update to a visit's chart that reached the server after the visit was completed: it was
	 * not kept (the completed visit's snapshot does not have it). The chart screen keeps the
	 * writer's late text as the draft of an addendum (see `contracts/chart.ts`).
	 */
	visitCompleted: { code: 4423, reason: 'visit-completed' },
	/** A frame larger than the server accepts (the WebSocket standard's code). */
	messageTooBig: { code: 1009, reason: 'message-too-big' },
	/** The server is shutting down or hit an unexpected error; the client should reconnect. */
	serverError: { code: 1011, reason: 'server-error' }
} as const;

export type SyncCloseReason = (typeof SyncClose)[keyof typeof SyncClose]['reason'];

const reasons = new Set<string>(Object.values(SyncClose).map((c) => c.reason));

/** Narrows a reason the server sent back to one this protocol defines. */
export function isSyncCloseReason(reason: string): reason is SyncCloseReason {
	return reasons.has(reason);
}

/** The reason the server gave with a close code, or null for a code this protocol does not define. */
export function closeReasonOf(code: number): SyncCloseReason | null {
	return Object.values(SyncClose).find((c) => c.code === code)?.reason ?? null;
}

/** Codes after which reconnecting cannot help until something changes (sign-in, permissions). */
export const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([4401, 4403, 4404, 4413, 4423, 4430]);

const finalReasons = new Set<string>(
	Object.values(SyncClose)
		.filter((c) => FINAL_CLOSE_CODES.has(c.code))
		.map((c) => c.reason)
);

/**
 * Whether a close ends the document for good: by the socket's code, or, when the server closed
 * one document of a socket (the provider reports those as 1000), by the reason it gave.
 */
export function isFinalClose(event: { code: number; reason?: string }): boolean {
	return FINAL_CLOSE_CODES.has(event.code) || finalReasons.has(event.reason ?? '');
}

/** Where the awareness state of a person is kept; validated by the server against the session. */
export type PresenceUser = { id: string; name: string; color: string };
export const PRESENCE_FIELD = 'user';

/** Projection content lives in this top-level map of the Y.Doc, one entry per key. */
export const PROJECTION_MAP = 'projection';

/** Path the sync server listens on, on the app's own HTTP server. */
export const SYNC_PATH = '/sync';
