import { error } from '@sveltejs/kit';
import { getDatabase } from '$lib/server/db';
import { requireClinic } from '$lib/server/edge/access';
import { formFailure, formValues } from '$lib/server/edge';
import { errorMessage } from '$lib/i18n/errors';
import { can } from '$lib/server/pharmacy/policy';
import { cancelStockCount, postStockCount, recentStockCounts, saveCountedLines, startStockCount, stockCountView } from '$lib/server/pharmacy/stockCount';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent }) => {
	const { clinic, role, user } = await parent();
	const ctx = { clinicId: clinic.id, actor: { userId: user.id, role } };
	if (!can(ctx.actor, 'stock.view')) error(403, { message: errorMessage('forbidden'), code: 'forbidden' });
	const { db } = await getDatabase();
	const recent = await recentStockCounts(db, ctx);
	const open = recent.find((c) => c.status === 'open');
	return {
		count: open ? await stockCountView(db, ctx, open.id) : null,
		lastPosted: recent.find((c) => c.status === 'posted')?.postedAt?.toISOString() ?? null,
		canCount: can(ctx.actor, 'stock.adjust')
	};
};

/** `counted-<batchId>` fields: a blank one clears the figure, anything else must be a whole number. */
function countedLines(values: Record<string, string>) {
	return Object.entries(values)
		.filter(([name]) => name.startsWith('counted-'))
		.map(([name, raw]) => {
			const text = raw.trim();
			return { batchId: name.slice('counted-'.length), counted: text === '' ? null : /^\d+$/.test(text) ? Number(text) : text };
		});
}

export const actions: Actions = {
	start: async (event) => {
		const { ctx } = await requireClinic(event, event.params.clinic);
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			await startStockCount(db, ctx, { idempotencyKey: values.idempotencyKey || undefined });
		} catch (e) {
			return formFailure(e, values);
		}
		return { done: 'started' };
	},
	save: async (event) => {
		const { ctx } = await requireClinic(event, event.params.clinic);
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		const lines = countedLines(values);
		if (lines.length === 0) return { done: 'saved' };
		try {
			await saveCountedLines(db, ctx, values.countId ?? '', { lines });
		} catch (e) {
			return formFailure(e, values);
		}
		return { done: 'saved' };
	},
	post: async (event) => {
		const { ctx } = await requireClinic(event, event.params.clinic);
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			const lines = countedLines(values);
			if (lines.length > 0) await saveCountedLines(db, ctx, values.countId ?? '', { lines });
			const posted = await postStockCount(db, ctx, values.countId ?? '', { idempotencyKey: values.idempotencyKey || undefined });
			return { done: 'posted', adjusted: posted.adjustments.length };
		} catch (e) {
			return formFailure(e, values);
		}
	},
	cancel: async (event) => {
		const { ctx } = await requireClinic(event, event.params.clinic);
		const values = await formValues(event.request);
		const { db } = await getDatabase();
		try {
			await cancelStockCount(db, ctx, values.countId ?? '');
		} catch (e) {
			return formFailure(e, values);
		}
		return { done: 'cancelled' };
	}
};
