import type { RefusalLists } from './edge/types';

/**
 * Errors are values with a code, an HTTP status and the offending field. Each edge (form
 * actions, /api/v1, the sync server) translates them once; a user never sees a stack trace.
 */
export const ERROR_CODES = [
	'bad_request',
	'invalid_input',
	'invalid_json',
	'field_required',
	'field_too_short',
	'field_too_long',
	'field_too_small',
	'field_too_large',
	'field_invalid',
	'email_invalid',
	'phone_invalid',
	'date_invalid',
	'time_invalid',
	'instant_invalid',
	'choice_invalid',
	'id_invalid',
	'birth_date_in_future',
	'age_out_of_range',
	'time_order',
	'break_outside_hours',
	'shifts_overlap',
	'exception_date_taken',
	'hours_or_day_off',
	'closure_in_past',
	'day_has_appointments',
	'color_invalid',
	'clinic_code_invalid',
	'password_length',
	'amount_invalid',
	'unauthenticated',
	'invalid_credentials',
	'totp_required',
	'totp_invalid',
	'two_factor_setup_required',
	'two_factor_required',
	'password_change_required',
	'forbidden',
	'not_found',
	'conflict',
	'already_setup',
	'setup_required',
	'email_taken',
	'clinic_code_taken',
	'already_member',
	'already_joined',
	'invitation_unknown',
	'invitation_used',
	'invitation_expired',
	'passwords_differ',
	'last_admin',
	'member_in_other_clinic',
	'own_two_factor_required',
	'own_two_factor_reset',
	'two_factor_off',
	'amount_too_large',
	'rate_limited',
	'cross_site_request',
	'payload_too_large',
	'account_suspended',
	'possible_duplicate',
	'outside_schedule',
	'slot_taken',
	'in_the_past',
	'invalid_transition',
	'too_early',
	'no_free_slot',
	'offer_not_open',
	'too_far_ahead',
	'booking_limit',
	'clinic_not_linked',
	'type_minutes_invalid',
	'appointment_type_name_taken',
	'appointment_type_archived',
	'series_clashes',
	'doctor_off',
	'clinic_closed',
	'file_too_large',
	'file_type',
	'already_in_queue',
	'queue_empty',
	'doctor_busy',
	'not_today',
	'token_state',
	'room_name_taken',
	'room_archived',
	'medicine_exists',
	'atc_code_invalid',
	'csv_invalid',
	'csv_empty',
	'medicine_not_in_catalogue',
	'prescription_warning',
	'frequency_invalid',
	'duration_invalid',
	'quantity_invalid',
	'units_invalid',
	'quantity_required',
	'patient_merged',
	'link_code_invalid',
	'link_code_expired',
	'link_code_used',
	'patient_already_linked',
	'account_linked_here',
	'patient_not_linked',
	'visit_open',
	'visit_completed',
	'visit_not_completed',
	'attachment_type',
	'attachment_append_only',
	'chart_incomplete',
	'vital_impossible',
	'icd10_code_unknown',
	'storage_unavailable',
	'referral_clinic_invalid',
	'referral_doctor_invalid',
	'referral_state',
	'stock_short',
	'batch_expired',
	'prescription_not_issued',
	'being_prepared',
	'prescription_state',
	'substitute_invalid',
	'return_exceeds',
	'supplier_name_taken',
	'purchase_order_state',
	'receive_exceeds',
	'nothing_to_order',
	'stock_count_state',
	'invoice_state',
	'exceeds_balance',
	'refund_exceeds',
	'credit_exceeds',
	'discount_exceeds',
	'service_unpriced',
	'service_name_taken',
	'day_closed',
	'price_in_past',
	'tax_rate_invalid',
	'payee_not_configured',
	'latin_text',
	'payment_account_invalid',
	'upi_vpa_invalid',
	'share_percent_invalid',
	'transfer_clinic_invalid',
	'date_order',
	'idempotency_key_required',
	'idempotency_key_reused',
	'internal'
] as const;

/** What went wrong, for a client to act on; each has its sentence in English and Urdu (`src/lib/i18n/errors.ts`). */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Codes only the HTTP edge answers with (a wrong method or content type); the domain never raises them. */
export const EDGE_ERROR_CODES = ['method_not_allowed', 'unsupported_media_type'] as const;
export type EdgeErrorCode = (typeof EDGE_ERROR_CODES)[number];

export type ErrorParams = Record<string, string | number>;

/** One field's problem: the field as a dotted path (`weekly.0.end`), its specific code and the sentence's parameters. */
export type FieldProblem = { field: string; code: ErrorCode; params: ErrorParams };

/**
 * One date of a recurring booking that cannot be booked: its clinic-local date, the start asked
 * for, and why (`slot_taken`, `doctor_off`, `clinic_closed`, `outside_schedule`).
 */
export type Clash = { date: string; start: string; reason: ErrorCode };

export class AppError extends Error {
	readonly code: ErrorCode;
	readonly status: number;
	readonly field?: string;
	readonly params: ErrorParams;
	/** Every field's problem when the input had several (`parseInput`), the first one first; empty otherwise. */
	readonly fields: readonly FieldProblem[];
	/** What the refusal is about, in named lists the edges send inside `error` (`appointments`); empty for most errors. */
	readonly lists: RefusalLists;
	/** The dates of a recurring booking that clash (`series_clashes`); empty otherwise. */
	readonly clashes: readonly Clash[];

	constructor(
		code: ErrorCode,
		status: number,
		message: string,
		field?: string,
		params: ErrorParams = {},
		fields: readonly FieldProblem[] = [],
		lists: RefusalLists = {},
		clashes: readonly Clash[] = []
	) {
		super(message);
		this.name = 'AppError';
		this.code = code;
		this.status = status;
		this.field = field;
		this.params = params;
		this.fields = fields;
		this.lists = lists;
		this.clashes = clashes;
	}
}

/**
 * The problems an edge lists in `fields`: those validation found, else the one field a command
 * named (`conflict('…', 'email_taken', 'email')`), else none.
 */
export function fieldProblems(e: AppError): readonly FieldProblem[] {
	if (e.fields.length > 0) return e.fields;
	return e.field ? [{ field: e.field, code: e.code, params: e.params }] : [];
}

export const badRequest = (message: string, field?: string, code: ErrorCode = 'invalid_input', params: ErrorParams = {}) =>
	new AppError(code, 400, message, field, params);
export const unauthenticated = (message = 'Sign in first', code: ErrorCode = 'unauthenticated') => new AppError(code, 401, message);
export const forbidden = (message = 'Not allowed') => new AppError('forbidden', 403, message);
export const notFound = (message = 'Not found') => new AppError('not_found', 404, message);
export const conflict = (message: string, code: ErrorCode = 'conflict', field?: string) => new AppError(code, 409, message, field);
export const tooManyRequests = (retryAfterSeconds: number) =>
	new AppError('rate_limited', 429, `Too many attempts; try again in ${retryAfterSeconds} s`, undefined, {
		seconds: retryAfterSeconds
	});

export function isAppError(e: unknown): e is AppError {
	return e instanceof AppError;
}
