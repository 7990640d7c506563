export * from './config';
export * from './payout-countries';
export * from './subscription-plans';
export * from './ids';
export * from './command-handling';
export * from './infrastructure.module';
