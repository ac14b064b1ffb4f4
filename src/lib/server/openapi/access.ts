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

const staff: readonly Role[] = ['admin', 'doctor', 'nurse', 'reception', 'pharmacist'];
const bookers: readonly Role[] = ['admin', 'doctor', 'reception'];
const admins: readonly Role[] = ['admin'];
const desk: readonly Role[] = ['admin', 'reception'];
/** The clinical record: clinicians write it; the pharmacy reads it too (allergies when dispensing). */
const clinicians: readonly Role[] = ['doctor', 'nurse'];
const recordReaders: readonly Role[] = ['doctor', 'nurse', 'pharmacist'];
/** Stock and dispensing: the pharmacy and the administrator. */
const pharmacy: readonly Role[] = ['admin', 'pharmacist'];

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
	listAllergies: { roles: recordReaders },
	recordAllergy: { roles: clinicians },
	removeAllergy: { roles: clinicians },
	setBloodGroup: { roles: clinicians },
	listConditions: { roles: recordReaders },
	recordCondition: { roles: clinicians },
	resolveCondition: { roles: clinicians },
	listMedications: { roles: recordReaders },
	recordMedication: { roles: clinicians },
	stopMedication: { roles: clinicians },
	linkAccount: { patientAccount: true },
	// queue
	getQueue: { roles: staff },
	checkIn: { roles: bookers },
	callNext: { roles: desk, ownDoctor: true },
	recallToken: { roles: desk, ownDoctor: true },
	skipToken: { roles: desk, ownDoctor: true },
	sendBackToken: { roles: desk, ownDoctor: true },
	completeToken: { roles: desk, ownDoctor: true },
	// A nurse triaging at the door marks a token urgent too (queue/policy.ts, 'queue.urgent').
	markTokenUrgent: { roles: ['admin', 'doctor', 'nurse', 'reception'] },
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
	listReferrals: { roles: ['doctor', 'nurse'] },
	createReferral: { roles: ['doctor'] },
	acceptReferral: { roles: ['doctor'] },
	declineReferral: { roles: ['doctor'] },
	// Any doctor (for themselves) or nurse (for a doctor they name): a doctor naming another is refused by the command.
	openVisit: { roles: ['doctor', 'nurse'] },
	getVisit: { roles: ['doctor', 'nurse'] },
	completeVisit: { roles: [], ownDoctor: true },
	addVisitAddendum: { roles: ['doctor', 'nurse'] },
	writeVisitChart: { roles: ['nurse'], ownDoctor: true },
	listVisitAttachments: { roles: ['doctor', 'nurse'] },
	addVisitAttachment: { roles: ['nurse'], ownDoctor: true },
	getVisitAttachment: { roles: ['doctor', 'nurse'] },
	// pharmacy: the catalogue and prescribing
	searchMedicines: { roles: staff },
	addMedicine: { roles: ['admin', 'doctor'] },
	getPrescription: { roles: ['doctor', 'nurse', 'pharmacist'] },
	putPrescription: { roles: [], ownDoctor: true },
	getPrescriptionPdf: { roles: ['doctor', 'nurse', 'pharmacist'] },
	// stock and dispensing
	receiveBatch: { roles: pharmacy },
	getMedicineStock: { roles: pharmacy },
	getPharmacyQueue: { roles: ['admin', 'pharmacist', 'doctor'] },
	dispensePrescription: { roles: pharmacy },
	preparePrescription: { roles: pharmacy },
	setPrescriptionLineOutcome: { roles: pharmacy },
	collectPrescription: { roles: pharmacy },
	returnPrescription: { roles: pharmacy },
	adjustStock: { roles: pharmacy },
	listStockMovements: { roles: pharmacy },
	// inventory: reorder levels and stock exports
	setReorderLevels: { roles: pharmacy },
	exportStockCsv: { roles: pharmacy },
	exportStockMovementsCsv: { roles: pharmacy },
	exportExpiringStockCsv: { roles: pharmacy },
	// reports: dispensing log, a medicine's movements, stock value
	getDispensingLog: { roles: pharmacy },
	exportDispensingLogCsv: { roles: pharmacy },
	getMedicineMovementReport: { roles: pharmacy },
	exportMedicineMovementReportCsv: { roles: pharmacy },
	getStockValue: { roles: pharmacy },
	exportStockValueCsv: { roles: pharmacy },
	// purchasing: suppliers and purchase orders
	listSuppliers: { roles: pharmacy },
	createSupplier: { roles: pharmacy },
	updateSupplier: { roles: pharmacy },
	listPurchaseOrders: { roles: pharmacy },
	createPurchaseOrder: { roles: pharmacy },
	orderFromLowStock: { roles: pharmacy },
	getPurchaseOrder: { roles: pharmacy },
	updatePurchaseOrder: { roles: pharmacy },
	markPurchaseOrderOrdered: { roles: pharmacy },
	cancelPurchaseOrder: { roles: pharmacy },
	receivePurchaseOrder: { roles: pharmacy },
	purchaseOrderPdf: { roles: pharmacy },
	purchaseOrderCsv: { roles: pharmacy },
	// billing (openapi/billing.ts)
	listServices: { roles: ['admin', 'reception', 'doctor', 'pharmacist'] },
	createService: { roles: ['admin'] },
	listInvoices: { roles: ['admin', 'reception'] },
	createInvoice: { roles: ['admin', 'reception'] },
	getInvoice: { roles: ['admin', 'reception'] },
	invoicePdf: { roles: ['admin', 'reception'] },
	issueInvoice: { roles: ['admin', 'reception'] },
	recordPayment: { roles: ['admin', 'reception'] },
	refundPayment: { roles: ['admin'] },
	voidInvoice: { roles: ['admin'] },
	createCreditNote: { roles: ['admin'] },
	getDeskDay: { roles: ['admin', 'reception'] },
	closeDay: { roles: ['admin', 'reception'] },
	getPaymentSettings: { roles: desk },
	setPaymentSettings: { roles: admins },
	invoicePaymentQr: { roles: desk },
	invoicePaymentQrSvg: { roles: desk },
	invoicePaymentQrPng: { roles: desk },
	setDoctorShare: { roles: ['admin'] },
	listDoctorShares: { roles: ['admin', 'doctor'] },
	getRevenueReport: { roles: admins },
	getRevenueReportCsv: { roles: admins },
	getRevenueReportPdf: { roles: admins },
	getEarnings: { roles: ['admin', 'doctor'] },
	// stock operations (openapi/stockOps.ts)
	importMedicines: { roles: pharmacy },
	startStockCount: { roles: pharmacy },
	getStockCount: { roles: pharmacy },
	saveStockCountLines: { roles: pharmacy },
	postStockCount: { roles: pharmacy },
	cancelStockCount: { roles: pharmacy },
	transferStock: { roles: pharmacy },
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
