import { formatMajorAmount, formatMoney, parseMajorAmount, type Currency } from './money';
import { doctorProfileInput, MAX_FEE_MINOR } from './schema';
import { isAppError } from '../errors';
import { refuseWithOtherFields } from '../validation';
import type { MemberRow } from './queries';

/**
 * The doctor-profile form speaks major units of the clinic's currency ("1500.50"); the command
 * takes integer minor units. Both the admin's member page and a doctor's own profile page use
 * these two helpers, so the conversion happens in one place.
 */
export function doctorProfileFromForm(values: Record<string, string>, currency: Currency) {
	const input = {
		specialization: values.specialization ?? '',
		registrationNumber: values.registrationNumber ?? '',
		consultationFee: 0,
		listing: values.listing || undefined,
		// An empty choice clears the usual room; a form without the field leaves it as it is.
		defaultRoomId: values.defaultRoomId === undefined ? undefined : values.defaultRoomId || null
	};
	try {
		input.consultationFee = parseMajorAmount(values.consultationFee, currency, MAX_FEE_MINOR, 'consultationFee');
	} catch (e) {
		// A fee that is no amount is told together with every other field's problem, not before them.
		if (isAppError(e)) refuseWithOtherFields(doctorProfileInput, input, e);
		throw e;
	}
	return input;
}

export type DoctorProfileView = {
	specialization: string;
	registrationNumber: string;
	/** The fee as the form field shows it, in major units. */
	feeInput: string;
	/** The fee for reading, in the reader's language. */
	feeDisplay: string;
	listing: 'public' | 'private';
	currency: string;
	currencyDigits: number;
	defaultRoomId: string;
	/** The rooms the usual room can be chosen from (the clinic's rooms in use). */
	rooms: { id: string; name: string }[];
};

export function doctorProfileView(
	member: MemberRow,
	currency: Currency,
	locale: string,
	rooms: { id: string; name: string; archived: boolean }[] = []
): DoctorProfileView {
	const fee = member.consultationFee ?? 0;
	return {
		specialization: member.specialization ?? '',
		registrationNumber: member.registrationNumber ?? '',
		feeInput: formatMajorAmount(fee, currency),
		feeDisplay: formatMoney(fee, currency, locale),
		listing: member.listing ?? 'public',
		currency: currency.code,
		currencyDigits: currency.exponent,
		defaultRoomId: member.defaultRoomId ?? '',
		rooms: rooms.filter((r) => !r.archived).map((r) => ({ id: r.id, name: r.name }))
	};
}
