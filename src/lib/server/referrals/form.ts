import { eq } from 'drizzle-orm';
import { clinic } from '../db/schema';
import type { Db } from '../db';
import { isAppError } from '../errors';
import { refuseWithOtherFields } from '../validation';
import { currencyOf, parseMajorAmount } from '../tenancy/money';
import { createReferralInput, splitDoctorChoice } from './schema';

const MAX_DISCOUNT_MINOR = 100_000_000;

/**
 * The referral form as the command's input. The form speaks the receiving clinic's major units
 * ("500.00"); the command takes minor units. A discount that is no amount is told together with
 * every other field's problem.
 */
export async function referralFromForm(db: Db, homeCode: string, values: Record<string, string>) {
	const { toClinic, toDoctorId } = splitDoctorChoice(values.doctor);
	const input: Record<string, unknown> = {
		patientId: values.patientId ?? '',
		visitId: values.visitId || undefined,
		toDoctorId,
		toClinic: toClinic && toClinic !== homeCode ? toClinic : undefined,
		note: values.note ?? '',
		idempotencyKey: values.idempotencyKey || undefined
	};
	const kind = values.discountKind;
	if (kind === 'percent') input.discount = { percent: values.discountValue?.trim() === '' ? NaN : Number(values.discountValue) };
	if (kind === 'amount') {
		const [target] = await db
			.select({ currency: clinic.currency, currencyExponent: clinic.currencyExponent })
			.from(clinic)
			.where(eq(clinic.code, toClinic ?? homeCode));
		try {
			if (!target) throw new Error('no clinic');
			input.discount = { amount: parseMajorAmount(values.discountValue, currencyOf(target), MAX_DISCOUNT_MINOR, 'discount.amount') };
		} catch (e) {
			if (isAppError(e)) refuseWithOtherFields(createReferralInput, { ...input, discount: { amount: 1 } }, e);
			throw e;
		}
	}
	return input;
}
