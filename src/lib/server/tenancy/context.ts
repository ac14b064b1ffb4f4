import type { ClinicActor } from './policy';

/**
 * Who acts, in which clinic: what every clinic command and read is handed once the request's
 * membership is known (`clinicAccess` in tenancy/access.ts builds it from the session and the clinic in the path). The
 * one access decision (docs/ARCHITECTURE.md, "Access and tenancy") is asked with its actor.
 */
export type ClinicContext = { clinicId: string; actor: ClinicActor };
