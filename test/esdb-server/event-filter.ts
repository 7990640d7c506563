import { ReadReq } from '@eventstore/db-client/generated/streams_pb';
import { NotModelled } from './call-errors';
import type { LoggedEvent } from './transaction-log';

/** A server-side filter of `$all`: on stream name or on event type (never both), by prefixes or a regex. */
export interface EventFilter {
  readonly describe: string;
  matches(event: LoggedEvent): boolean;
}

type FilterOptions = ReadReq.Options.FilterOptions;

/**
 * As the server builds it from the request (Streams.Read ConvertToEventFilter, then
 * src/EventStore.Core/Services/Storage/ReaderIndex/EventFilter.cs): a non-empty regex wins over
 * the prefixes; prefixes match with StartsWith, a regex anywhere in the name (Regex.Match). An
 * empty prefix list matches nothing. Not modelled: .NET regex syntax JavaScript lacks (it is
 * refused), culture-sensitive StartsWith beyond ASCII, and the newest servers' default exclusion of
 * `$epoch-information` and persistent-subscription checkpoint streams (the test server writes none).
 */
export function eventFilterOf(options: FilterOptions): EventFilter {
  const cases = ReadReq.Options.FilterOptions.FilterCase;
  switch (options.getFilterCase()) {
    case cases.STREAM_IDENTIFIER:
      return expressionFilter('stream name', options.getStreamIdentifier()!, (event) => event.stream);
    case cases.EVENT_TYPE:
      return expressionFilter('event type', options.getEventType()!, (event) => event.eventType);
    default:
      throw new NotModelled('a filter on neither stream name nor event type');
  }
}

function expressionFilter(
  on: string,
  expression: ReadReq.Options.FilterOptions.Expression,
  subject: (event: LoggedEvent) => string,
): EventFilter {
  const regex = expression.getRegex();
  if (regex !== '') {
    const compiled = compile(regex);
    return { describe: `${on} matches /${regex}/`, matches: (event) => compiled.test(subject(event)) };
  }
  const prefixes = expression.getPrefixList();
  return {
    describe: `${on} starts with ${prefixes.map((prefix) => JSON.stringify(prefix)).join(' or ')}`,
    matches: (event) => prefixes.some((prefix) => subject(event).startsWith(prefix)),
  };
}

function compile(regex: string): RegExp {
  try {
    return new RegExp(regex);
  } catch {
    throw new NotModelled(`the regex ${JSON.stringify(regex)} (not valid as a JavaScript regular expression)`);
  }
}
