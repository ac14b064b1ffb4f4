export * from './auth';
export * from './tenancy';
export * from './audit';
export * from './platform';
export * from './counters';
export * from './patients';
export * from './scheduling';
export * from './queue';
