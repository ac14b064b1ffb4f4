/** A patient as the booking and waitlist pickers show them. */
export type PickedPatient = { id: string; name: string; ref: string; phone: string | null };
