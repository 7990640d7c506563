import type { DynamicModule, LoggerService } from '@nestjs/common';
import { Logger as PinoBackedNestLogger, LoggerModule, PinoLogger, type Params } from 'nestjs-pino';
import type { Logger } from 'pino';

/**
 * `useExisting`: the HTTP app mounts its own pino-http middleware before everything else
 * (apps/api, http/request-logging.ts), so that requests refused before Nest's middleware runs are
 * logged too; nestjs-pino then only binds each request's logger, which carries its correlationId,
 * to the code that request runs. Lines outside a request go to the first root logger given in the
 * process: nestjs-pino keeps one (a production process builds one app; tests that build several
 * in one file share one destination).
 */
function paramsOf(rootLogger: Logger): Params {
  return { pinoHttp: { logger: rootLogger }, useExisting: true };
}

/** nestjs-pino's module: the per-request binding above, and its `Logger` for injection. */
export function loggingModule(rootLogger: Logger): DynamicModule {
  return LoggerModule.forRoot(paramsOf(rootLogger));
}

/**
 * Nest's logger writing through `rootLogger`, for NestFactory's `logger` option: from the first
 * line on, `new Logger(...)` from @nestjs/common included. (Not `bufferLogs` + `useLogger`: a
 * start that fails would flush its lines, the error among them, through Nest's console logger.)
 */
export function nestLoggerOf(rootLogger: Logger): LoggerService {
  const params = paramsOf(rootLogger);
  return new PinoBackedNestLogger(new PinoLogger(params), params);
}
