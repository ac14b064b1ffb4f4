import { z } from 'zod';

/** `GET …/icd10?q=`: what the doctor has typed so far; empty finds nothing. */
export const icd10SearchInput = z.object({ q: z.string().trim().max(100).default('') });
