import type { RequestEvent } from '@sveltejs/kit';
import QRCode from 'qrcode';
import { getDatabase } from '$lib/server/db';
import { clinicMembership } from '$lib/server/tenancy/queries';
import {
	beginTotpEnrolment,
	changePassword,
	confirmTotpEnrolment,
	disableTotp,
	pendingTotpEnrolment,
	regenerateRecoveryCodes,
	type AccountActor
} from '$lib/server/auth/account';
import { unusedRecoveryCodes } from '$lib/server/auth/secondFactor';
import { formFailure, formValues } from '$lib/server/edge';
import { passwordFailure } from '../passwordFailure';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = locals.user!;
	const { db } = await getDatabase();
	const required = await requiringClinic(user.id, url.searchParams.get('required'));
	const base = { email: user.email, required };
	if (user.twoFactorEnabled) return { ...base, twoFactor: { enabled: true as const, recoveryLeft: await unusedRecoveryCodes(db, user.id) } };
	const enrolment = await pendingTotpEnrolment(db, user.id, user.email);
	return { ...base, twoFactor: { enabled: false as const, manualKey: enrolment.manualKey, qr: await qrDataUrl(enrolment.uri) } };
};

/** The clinic named in ?required= when the person works there and it really requires 2FA; otherwise nothing, so no clinic leaks. */
async function requiringClinic(userId: string, code: string | null) {
	if (!code || !/^[A-Za-z0-9]{3,8}$/.test(code)) return null;
	const { db } = await getDatabase();
	const access = await clinicMembership(db, userId, { code });
	return access?.clinic.require2fa ? { code: access.clinic.code, name: access.clinic.name } : null;
}

/** The QR code is drawn on the server so the key never goes to a third-party QR service. */
async function qrDataUrl(uri: string): Promise<string> {
	const svg = await QRCode.toString(uri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
	return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

function actor(event: RequestEvent): AccountActor {
	const user = event.locals.user!;
	return { userId: user.id, email: user.email, address: event.getClientAddress() };
}

export const actions: Actions = {
	enable: async (event) => {
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			const recoveryCodes = await confirmTotpEnrolment(db, event.locals.user!.id, event.locals.session!.id, { code: values.code });
			return { form: 'enable', notice: 'enabled', recoveryCodes };
		} catch (e) {
			return formFailure(e, { form: 'enable' });
		}
	},
	newKey: async ({ locals }) => {
		const { db } = await getDatabase();
		try {
			await beginTotpEnrolment(db, locals.user!.id, locals.user!.email);
			return { form: 'newKey' };
		} catch (e) {
			return formFailure(e, { form: 'enable' });
		}
	},
	regenerate: async (event) => {
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			const recoveryCodes = await regenerateRecoveryCodes(db, actor(event), { code: values.code });
			return { form: 'regenerate', recoveryCodes };
		} catch (e) {
			return formFailure(e, { form: 'regenerate' });
		}
	},
	disable: async (event) => {
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			await disableTotp(db, actor(event), { code: values.code });
			return { form: 'disable', notice: 'disabled' };
		} catch (e) {
			return formFailure(e, { form: 'disable' });
		}
	},
	password: async (event) => {
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			const input = { currentPassword: values.currentPassword, newPassword: values.newPassword };
			await changePassword(db, actor(event), event.locals.session!.id, input);
			return { form: 'password', notice: 'passwordChanged' };
		} catch (e) {
			return passwordFailure(e, { form: 'password' });
		}
	}
};
