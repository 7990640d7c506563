export * from './schema-versions';

export type Role = 'employer' | 'trainer' | 'support' | 'finance' | 'service';
export const roles: readonly Role[] = ['employer', 'trainer', 'support', 'finance', 'service'];

export interface Actor {
  readonly role: Role;
  readonly id: string;
}

/** What every stored event carries besides its type and data. */
export interface EventMetadata {
  readonly eventId: string;
  readonly contractId?: string;
  readonly milestoneId?: string;
  readonly employerId?: string;
  readonly trainerId?: string;
  readonly actor: Actor;
  readonly correlationId: string;
  readonly causationId: string;
  readonly occurredAt: string;
  /** The version of `data`'s schema, per event type (schema-versions.ts); an event stored without one is read as 1. */
  readonly schemaVersion: number;
  /** Set by the upcaster on read: the version the event was stored at, when older than `schemaVersion`. */
  readonly upcastedFrom?: number;
}

/** A domain event as `decide` returns it; the application layer adds the metadata. */
export interface DomainEvent<TType extends string = string, TData = unknown> {
  readonly type: TType;
  readonly data: TData;
}
