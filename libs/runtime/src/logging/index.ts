export * from './log-config';
export * from './log-redaction';
export * from './root-logger';
export * from './logging.module';
