export * from './auth';
export * from './tenancy';
export * from './audit';
export * from './platform';
