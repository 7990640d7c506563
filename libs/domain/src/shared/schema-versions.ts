import type { EmployerEvent } from '../billing/employer';
import type { TrainerEvent } from '../billing/trainer';
import type { ContractEvent } from '../contract/events';
import { assert } from './assert';

/**
 * Every event type the domain writes, with the stream category it lives in (the stream id's
 * prefix without the dash) and the schema version `decide` writes today. Pure data, shared by
 * the write path (metadata.schemaVersion) and the published contract (libs/event-schemas).
 *
 * Raising a version means: a new schema file, an upcaster from the version before, and the
 * event type changed here. The mapped type below makes TypeScript refuse a catalog that misses
 * an event of the unions, names one that is not in them, or files it under the wrong stream.
 */
interface CatalogEntry<Category extends string> {
  readonly category: Category;
  readonly schemaVersion: number;
}
type Catalog = { readonly [T in ContractEvent['type']]: CatalogEntry<'contract'> } & {
  readonly [T in EmployerEvent['type']]: CatalogEntry<'employer'>;
} & { readonly [T in TrainerEvent['type']]: CatalogEntry<'trainer'> };

export type DomainEventType = keyof Catalog;
export type EventCategory = Catalog[DomainEventType]['category'];
/** Every event the domain writes, whatever its stream: the union the catalog is keyed by. */
export type AnyDomainEvent = ContractEvent | EmployerEvent | TrainerEvent;
export type DomainEventOfType<T extends DomainEventType> = Extract<AnyDomainEvent, { type: T }>;
/** The event types the catalog files under one stream category. */
export type EventTypeIn<C extends EventCategory> = { [T in DomainEventType]: Catalog[T]['category'] extends C ? T : never }[DomainEventType];

export const eventCatalog = {
  ContractCreated: { category: 'contract', schemaVersion: 1 },
  MilestoneCreated: { category: 'contract', schemaVersion: 1 },
  MilestoneFundingRequested: { category: 'contract', schemaVersion: 1 },
  MilestoneFunded: { category: 'contract', schemaVersion: 1 },
  MilestoneFundingPending: { category: 'contract', schemaVersion: 1 },
  MilestoneFundingFailed: { category: 'contract', schemaVersion: 1 },
  MilestoneApprovalRequested: { category: 'contract', schemaVersion: 1 },
  // v2: `reason` (employer or auto_release).
  MilestoneApproved: { category: 'contract', schemaVersion: 2 },
  MilestoneAutoReleaseReminderSent: { category: 'contract', schemaVersion: 1 },
  MilestonePayoutCompleted: { category: 'contract', schemaVersion: 1 },
  MilestonePayoutFailed: { category: 'contract', schemaVersion: 1 },
  // v2: `chargeback` always present (null for a party's dispute).
  MilestoneDisputed: { category: 'contract', schemaVersion: 2 },
  MilestoneChargebackOpened: { category: 'contract', schemaVersion: 1 },
  MilestoneChargebackClosed: { category: 'contract', schemaVersion: 1 },
  MilestoneDisputeResolved: { category: 'contract', schemaVersion: 1 },
  MilestoneRefunded: { category: 'contract', schemaVersion: 1 },
  MilestoneCancelled: { category: 'contract', schemaVersion: 1 },
  ContractArchived: { category: 'contract', schemaVersion: 1 },
  MilestoneSupportNoteAdded: { category: 'contract', schemaVersion: 1 },
  EmployerCustomerCreated: { category: 'employer', schemaVersion: 1 },
  EmployerAccountTypeSet: { category: 'employer', schemaVersion: 1 },
  EmployerSubscriptionStarted: { category: 'employer', schemaVersion: 1 },
  EmployerSubscriptionUpdated: { category: 'employer', schemaVersion: 1 },
  EmployerSubscriptionCanceled: { category: 'employer', schemaVersion: 1 },
  EmployerPaymentMethodAttached: { category: 'employer', schemaVersion: 1 },
  // v2: `country` (ISO 3166-1 alpha-2) the account was opened in.
  TrainerPayoutAccountConnected: { category: 'trainer', schemaVersion: 2 },
  TrainerPayoutAccountUpdated: { category: 'trainer', schemaVersion: 1 },
} as const satisfies Catalog;

// Object.keys types its result as string[]; the `satisfies Catalog` above makes the keys exactly DomainEventType.
export const domainEventTypes = Object.keys(eventCatalog) as readonly DomainEventType[];

export function isDomainEventType(type: string): type is DomainEventType {
  return Object.hasOwn(eventCatalog, type);
}

/** The catalog's types of one stream category, in catalog order: the only list of them kept. */
export function eventTypesIn<C extends EventCategory>(category: C): readonly EventTypeIn<C>[] {
  return domainEventTypes.filter((type): type is EventTypeIn<C> => eventCatalog[type].category === category);
}

/** A category's streams are named `<category>-<id>` (contractStream, employerStream, trainerStream follow it). */
export function streamPrefixOf(category: EventCategory): string {
  return `${category}-`;
}

/** The stream categories, in catalog order. */
export const eventCategories: readonly EventCategory[] = [...new Set(domainEventTypes.map((type) => eventCatalog[type].category))];

/** The streams the domain writes: one prefix per category of the catalog. */
export const domainStreamPrefixes: readonly string[] = eventCategories.map(streamPrefixOf);

/** The stream prefixes a reader of these types must subscribe to (its store filter), in catalog order. */
export function streamPrefixesOf(types: Iterable<DomainEventType>): readonly string[] {
  const categories = new Set([...types].map((type) => eventCatalog[type].category));
  return eventCategories.filter((category) => categories.has(category)).map(streamPrefixOf);
}

/** The schema version the domain writes an event type at; an unknown type is a bug. */
export function schemaVersionOf(type: string): number {
  assert(isDomainEventType(type), `event type ${type} is in the event catalog`);
  return eventCatalog[type].schemaVersion;
}
