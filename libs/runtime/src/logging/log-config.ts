/** Pino's levels, most severe first; `silent` logs nothing. */
export const logLevelNames = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevelName = (typeof logLevelNames)[number];

export interface LogConfig {
  /** LOG_LEVEL: the least severe level written (default info). */
  readonly level: LogLevelName;
  /** Human-readable lines (pino-pretty) instead of JSON lines: NODE_ENV=development only. */
  readonly pretty: boolean;
}

export function isLogLevelName(raw: string): raw is LogLevelName {
  return (logLevelNames as readonly string[]).includes(raw);
}
