import { pino, stdSerializers, stdTimeFunctions, symbols, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import pretty from 'pino-pretty';
import type { LogConfig } from './log-config';
import { redactSecrets, redactSecretText } from './log-redaction';

/**
 * The process's one pino logger, which Nest's `Logger` calls, the request lines and the worker
 * all write through. JSON lines unless `config.pretty`; a `destination` (tests capture lines in
 * one) always gets JSON.
 */
export function createRootLogger(config: LogConfig, destination?: DestinationStream): Logger {
  const stream = destination ?? (config.pretty ? pretty(prettyOptions) : undefined);
  return stream ? pino(loggerOptions(config), stream) : pino(loggerOptions(config));
}

/** For a person at a terminal: `[Context] message`; a request line's method, URL and status are in its message already. */
const prettyOptions = {
  colorize: true,
  translateTime: 'SYS:HH:MM:ss.l',
  ignore: 'pid,hostname,context,req,res',
  messageFormat: '{if context}[{context}] {end}{msg}',
};

function loggerOptions(config: LogConfig): LoggerOptions {
  return {
    level: config.level,
    timestamp: stdTimeFunctions.isoTime,
    // Scrubbed before serialising: the fields of every line, and the root's bindings.
    formatters: {
      level: (label) => ({ level: label }),
      bindings: (bindings) => redactSecrets(bindings) as Record<string, unknown>,
      log: (object) => redactSecrets(object) as Record<string, unknown>,
    },
    // Spread into a plain object so that its fields (message, stack, a provider's response) are walked.
    serializers: { err: (error: Error) => redactSecrets({ ...stdSerializers.err(error) }) },
    // A child's bindings (pino-http's per request, nestjs-pino's `assign`) skip the formatters: scrubbed once, when bound.
    onChild: (child) => {
      const bound = child as unknown as Record<symbol, string>;
      bound[symbols.chindingsSym] = scrubbedBindings(bound[symbols.chindingsSym] ?? '');
    },
    hooks: {
      // The message and its printf arguments, which no formatter sees.
      logMethod(args, method) {
        // An error logged alone gets its message as the line's message: pino would take it unscrubbed.
        const [first, second] = args as unknown[];
        const withMessage = first instanceof Error && typeof second !== 'string' ? [first, first.message, ...args.slice(1)] : args;
        const scrubbed = withMessage.map((arg) => (typeof arg === 'string' ? redactSecretText(arg) : arg));
        return method.apply(this, scrubbed as Parameters<typeof method>);
      },
    },
  };
}

/** Pino keeps a logger's bindings as a JSON fragment, `,"key":value,...`. */
function scrubbedBindings(fragment: string): string {
  if (fragment === '') return fragment;
  const scrubbed = JSON.stringify(redactSecrets(JSON.parse(`{${fragment.slice(1)}}`)));
  return `,${scrubbed.slice(1, -1)}`;
}
