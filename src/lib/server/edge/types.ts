export type FormError = { code: string; message: string; field?: string };
