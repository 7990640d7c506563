export * from './accounts';
export * from './journal';
export * from './posting-rules';
export * from './replay';
