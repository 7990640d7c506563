export * from './config';
export * from './ids';
export * from './command-handling';
export * from './infrastructure.module';
