import { forbidden } from '../errors';
import type { ClinicContext } from '../tenancy/context';
import { parseInput } from '../validation';
import { searchIcd10, type Icd10Code } from './icd10';
import { can } from './policy';
import { icd10SearchInput } from './schema';

/** The ICD-10 codes matching what a member of the clinic has typed (`{ q }`), best first. */
export function lookUpDiagnosisCodes(ctx: ClinicContext, input: unknown): Icd10Code[] {
	if (!can(ctx.actor, 'diagnosis.lookup')) throw forbidden();
	const { q } = parseInput(icd10SearchInput, input);
	return searchIcd10(q);
}
