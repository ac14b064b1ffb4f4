/** The SQLSTATE and constraint name of a database error, whichever driver raised it. */
export function pgError(e: unknown): { code: string; constraint?: string } | null {
	let current: unknown = e;
	for (let depth = 0; current && depth < 4; depth++) {
		if (typeof current === 'object' && 'code' in current && typeof current.code === 'string' && /^[0-9A-Z]{5}$/.test(current.code)) {
			const constraint =
				'constraint' in current && typeof current.constraint === 'string'
					? current.constraint
					: 'constraint_name' in current && typeof current.constraint_name === 'string'
						? current.constraint_name
						: undefined;
			return { code: current.code, constraint };
		}
		current = typeof current === 'object' && 'cause' in current ? current.cause : null;
	}
	return null;
}

export function isUniqueViolation(e: unknown, constraint?: string): boolean {
	const err = pgError(e);
	return err?.code === '23505' && (constraint === undefined || err.constraint === constraint);
}

export function isCheckViolation(e: unknown, constraint?: string): boolean {
	const err = pgError(e);
	return err?.code === '23514' && (constraint === undefined || err.constraint === constraint);
}
