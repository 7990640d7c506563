import { domainEventTypes, type DomainEventType } from './schema-versions';

/**
 * What one reader of the log (a read model, the payment saga) does with each event type of the
 * catalog: one of its own uses, or 'ignored'. Keyed by the catalog's type union, so a new event
 * type makes tsc refuse every reader's table until someone decides what that reader does with
 * it: no reader skips a type nobody thought about.
 *
 * Write a table as `{ ... } as const satisfies EventTypeUses<'read'>` (the `as const` keeps each
 * use as a literal, which `typesUsedFor` needs to type its result).
 */
export type EventTypeUses<Use extends string> = { readonly [T in DomainEventType]: Use | 'ignored' };

/** The types a table marks with `use`. */
export type TypesUsedFor<Uses extends EventTypeUses<string>, Use extends string> = {
  [T in DomainEventType]: Uses[T] extends Use ? T : never;
}[DomainEventType];

/** The types a table marks with `use`, as a set (the reader's filter, see readDomainEvent). */
export function typesUsedFor<Uses extends EventTypeUses<string>, Use extends Exclude<Uses[DomainEventType], 'ignored'>>(
  uses: Uses,
  use: Use,
): ReadonlySet<TypesUsedFor<Uses, Use>> {
  return new Set(domainEventTypes.filter((type): type is TypesUsedFor<Uses, Use> => uses[type] === use));
}

/**
 * The catalog types a table gives no known use: always none for a table tsc accepted, so a spec
 * asserting it is empty fails only if a table was cast past the compiler.
 */
export function undecidedEventTypes(uses: Readonly<Record<string, string>>, knownUses: readonly string[]): DomainEventType[] {
  return domainEventTypes.filter((type) => uses[type] !== 'ignored' && !knownUses.includes(uses[type] ?? ''));
}
