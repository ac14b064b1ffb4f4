import { and, eq } from 'drizzle-orm';
import QRCode from 'qrcode';
import type { Db } from '../db';
import { queueToken } from '../db/schema';
import { forbidden, notFound } from '../errors';
import type { ClinicContext } from '../tenancy/context';
import { projectClinicQueue } from '../sync/projections/queue';
import type { QueueContent } from '../../sync/contracts/queue';
import { loadClinic } from './common';
import { can } from './policy';

/** What a printed token slip shows: never the patient's name (the slip may be dropped in the waiting room). */
export type TokenSlip = {
	clinic: { name: string; tagline: string | null; color: string | null; timezone: string };
	token: string;
	day: string;
	status: string;
	/** The doctor the patient is waiting for, or null for the next free doctor. */
	doctor: string | null;
	room: string | null;
	ahead: number | null;
	estimatedCallAt: string | null;
	checkedInAt: string;
	/** An SVG QR code of the address where the patient follows the queue on their phone. */
	qrSvg: string;
	followUrl: string;
};

/**
 * The slip of one of today's (or any day's) tokens, for the desk to print at check-in. Read with the
 * same content as the live queue, so the slip and the screens agree on the wait.
 */
export async function tokenSlip(db: Db, ctx: ClinicContext, tokenId: string, origin: string): Promise<TokenSlip> {
	if (!can(ctx.actor, 'queue.checkIn')) throw forbidden();
	const [row] = await db
		.select({ day: queueToken.day })
		.from(queueToken)
		.where(and(eq(queueToken.id, tokenId), eq(queueToken.clinicId, ctx.clinicId)));
	if (!row) throw notFound();
	const home = await loadClinic(db, ctx.clinicId);
	const content = (await projectClinicQueue(db, { type: 'queue', clinicId: ctx.clinicId, day: row.day })) as QueueContent;
	const token = content.tokens.find((t) => t.id === tokenId);
	if (!token) throw notFound();
	// A walk-in of the shared line has no doctor and no room yet: whoever calls them sends them to theirs.
	const doctor = content.doctors.find((d) => d.id === token.doctorId) ?? null;
	// Patients follow their place in the app once their phone is linked to their record (/me).
	const followUrl = new URL('/me', origin).toString();
	return {
		clinic: { name: home.name, tagline: home.branding.tagline ?? null, color: home.branding.color ?? null, timezone: home.timezone },
		token: token.token,
		day: row.day,
		status: token.status,
		doctor: doctor?.name ?? null,
		room: token.room ?? doctor?.room?.name ?? null,
		ahead: token.ahead,
		estimatedCallAt: token.estimatedCallAt,
		checkedInAt: token.checkedInAt,
		qrSvg: await QRCode.toString(followUrl, { type: 'svg', margin: 0, errorCorrectionLevel: 'M' }),
		followUrl
	};
}
