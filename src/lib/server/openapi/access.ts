import type { Role } from '../db/schema';

/**
 * Who may call each operation, published in the document as `x-tabeeb-access` so API clients
 * can read it, and checked by a test generated from the document that calls every operation as
 * every kind of caller (tests/integration/api-access.test.ts). An operation without a line here
 * fails that test. The roles repeat what the domains' policies decide; the test is what keeps
 * the two in step.
 *
 * - `anyone`: no session needed (signing in, first setup, this document).
 * - `account`: any signed-in account, staff or patient, acting on its own things (`/me/…`).
 * - `patientAccount`: a patient's account only; staff accounts are refused (403).
 * - `roles`: members of the clinic in the path with one of these roles; everyone else is
 *   refused (403 for a member with another role, 404 for anyone outside the clinic).
 *   `ownDoctor` adds a doctor acting on their own resource (their line, their requests, their
 *   availability, room or profile) while another doctor is refused.
 * - `anyClinicRoles`: a member with one of these roles in any clinic (creating a branch).
 */
export type OperationAccess =
	{ anyone: true } | { account: true } | { patientAccount: true } | { roles: readonly Role[]; ownDoctor?: true } | { anyClinicRoles: readonly Role[] };

const staff: readonly Role[] = ['admin', 'doctor', 'reception', 'pharmacist'];
const bookers: readonly Role[] = ['admin', 'doctor', 'reception'];
const admins: readonly Role[] = ['admin'];
const desk: readonly Role[] = ['admin', 'reception'];

export const operationAccess: Record<string, OperationAccess> = {
	// auth, meta
	login: { anyone: true },
	logout: { anyone: true },
	getMe: { account: true },
	getOpenApiDocument: { anyone: true },
	setup: { anyone: true },
	// notifications
	listPushSubscriptions: { account: true },
	subscribePush: { account: true },
	unsubscribePush: { account: true },
	// patients
	searchPatients: { roles: staff },
	registerPatient: { roles: bookers },
	getPatient: { roles: staff },
	updatePatient: { roles: bookers },
	mergePatients: { roles: desk },
	createLinkCode: { roles: desk },
	unlinkPatientAccount: { roles: desk },
	listAccountLinks: { account: true },
	linkAccount: { patientAccount: true },
	// queue
	getQueue: { roles: staff },
	checkIn: { roles: bookers },
	callNext: { roles: desk, ownDoctor: true },
	recallToken: { roles: desk, ownDoctor: true },
	skipToken: { roles: desk, ownDoctor: true },
	sendBackToken: { roles: desk, ownDoctor: true },
	completeToken: { roles: desk, ownDoctor: true },
	markTokenUrgent: { roles: bookers },
	getTokenSlip: { roles: bookers },
	reorderToken: { roles: desk },
	listDisplayKeys: { roles: admins },
	createDisplayKey: { roles: admins },
	revokeDisplayKey: { roles: admins },
	// rooms
	listRooms: { roles: staff },
	createRoom: { roles: admins },
	updateRoom: { roles: admins },
	setTodayRoom: { roles: desk, ownDoctor: true },
	// visits
	searchIcd10: { roles: staff },
	// scheduling
	putAvailability: { roles: desk, ownDoctor: true },
	listSlots: { roles: staff },
	listAppointments: { roles: staff },
	bookAppointment: { roles: bookers },
	rescheduleAppointment: { roles: bookers },
	cancelAppointment: { roles: bookers },
	confirmAppointment: { roles: desk, ownDoctor: true },
	declineAppointment: { roles: desk, ownDoctor: true },
	markNoShow: { roles: bookers },
	appointmentCalendarFile: { roles: staff },
	listAppointmentTypes: { roles: staff },
	createAppointmentType: { roles: admins },
	updateAppointmentType: { roles: admins },
	listWaitlist: { roles: bookers },
	joinWaitlist: { roles: bookers },
	withdrawFromWaitlist: { roles: bookers },
	acceptWaitlistOffer: { roles: bookers },
	declineWaitlistOffer: { roles: bookers },
	patientBookingOptions: { account: true },
	listMyAppointments: { account: true },
	requestAppointment: { account: true },
	cancelMyAppointment: { account: true },
	addClosure: { roles: admins },
	// tenancy
	createClinic: { anyClinicRoles: admins },
	listMembers: { roles: staff },
	addMember: { roles: admins },
	updateMember: { roles: admins },
	resetMemberPassword: { roles: admins },
	resendMemberInvitation: { roles: admins },
	resetMemberTwoFactor: { roles: admins },
	putDoctorProfile: { roles: admins, ownDoctor: true }
};
