export * from './shared/assert';
export * from './shared/errors';
export * from './shared/money';
export * from './shared/metadata';
export * from './contract';
export * from './billing/employer';
export * from './billing/trainer';
