import { assert, assertNever, readDomainEvent, type DomainEventOfType } from '@escrow/domain';
import type { RecordedEvent } from '@escrow/event-store';

/**
 * The disputes queue for support: one entry per dispute (a party's dispute, or a chargeback),
 * open until support resolves it or the bank closes the chargeback. Pure: times come from the
 * events' `occurredAt`, never the clock, so a rebuild writes the same rows.
 */

export type DisputeStatus = 'open' | 'resolved';
export type DisputeOutcome = 'release' | 'refund' | 'split' | 'chargeback_won' | 'chargeback_lost';

export interface DisputeEntry {
  /** The event that opened it. */
  readonly disputeKey: string;
  readonly contractId: string;
  readonly milestoneId: string;
  readonly employerId: string;
  readonly trainerId: string;
  /** The milestone's amount for a party's dispute; the disputed amount for a chargeback. */
  readonly amountCents: number;
  readonly reason: string;
  /** Who opened it: `employer`, `trainer`, or `service` for a chargeback. */
  readonly openedBy: string;
  readonly openedAt: string;
  /** A chargeback opened it, or one was opened on the milestone while it was open. */
  readonly chargeback: boolean;
  /** The provider's dispute id when a chargeback opened it (its closing resolves the entry). */
  readonly chargebackId: string | null;
  readonly status: DisputeStatus;
  readonly outcome: DisputeOutcome | null;
  readonly resolvedAt: string | null;
  readonly notes: number;
  readonly position: string;
}

/** What the read model keeps per contract: its parties, its milestones' amounts, its disputes. */
export interface ContractDisputes {
  readonly contractId: string;
  readonly employerId: string;
  readonly trainerId: string;
  readonly milestoneAmounts: Readonly<Record<string, number>>;
  readonly disputes: readonly DisputeEntry[];
}

const read = new Set([
  'ContractCreated',
  'MilestoneCreated',
  'MilestoneDisputed',
  'MilestoneChargebackOpened',
  'MilestoneChargebackClosed',
  'MilestoneDisputeResolved',
  'MilestoneSupportNoteAdded',
] as const);
type DisputeEventType = typeof read extends Set<infer T> ? T : never;

export interface DisputeEvent {
  readonly event: DomainEventOfType<DisputeEventType>;
  readonly eventId: string;
  readonly occurredAt: string;
  readonly position: string;
}

/** The stored event as this read model reads it, or null for every other type. */
export function toDisputeEvent(recorded: RecordedEvent): DisputeEvent | null {
  const record = readDomainEvent(recorded, read);
  if (record === null) return null;
  return { event: record.event, eventId: record.eventId, occurredAt: record.occurredAt, position: record.position };
}

export function evolveDisputes(state: ContractDisputes | null, { event, eventId, occurredAt, position }: DisputeEvent): ContractDisputes {
  if (event.type === 'ContractCreated') {
    assert(state === null, `contract ${event.data.contractId} is created once`);
    const { contractId, employerId, trainerId } = event.data;
    return { contractId, employerId, trainerId, milestoneAmounts: {}, disputes: [] };
  }
  assert(state !== null, `${event.type} follows ContractCreated`);
  const { milestoneId } = event.data;
  const update = (matches: (d: DisputeEntry) => boolean, change: Partial<DisputeEntry>): ContractDisputes => ({
    ...state,
    disputes: state.disputes.map((d) => (d.milestoneId === milestoneId && matches(d) ? { ...d, ...change, position } : d)),
  });
  const open = (fields: Pick<DisputeEntry, 'amountCents' | 'reason' | 'openedBy' | 'chargeback' | 'chargebackId'>): ContractDisputes => ({
    ...state,
    disputes: [
      ...state.disputes,
      {
        disputeKey: eventId, contractId: state.contractId, milestoneId, employerId: state.employerId, trainerId: state.trainerId,
        ...fields, openedAt: occurredAt, status: 'open', outcome: null, resolvedAt: null, notes: 0, position,
      },
    ],
  });
  switch (event.type) {
    case 'MilestoneCreated':
      return { ...state, milestoneAmounts: { ...state.milestoneAmounts, [milestoneId]: event.data.amount.amountCents } };
    case 'MilestoneDisputed': {
      const { chargeback, reason, disputedBy } = event.data;
      const amountCents = chargeback ? chargeback.amount.amountCents : (state.milestoneAmounts[milestoneId] ?? 0);
      return open({ amountCents, reason, openedBy: disputedBy, chargeback: chargeback !== null, chargebackId: chargeback?.disputeId ?? null });
    }
    case 'MilestoneChargebackOpened': {
      const { disputeId, amount, reason, statusAtOpening } = event.data;
      // On a milestone support already holds: the open dispute now has a chargeback on it.
      if (statusAtOpening === 'disputed') return update((d) => d.status === 'open', { chargeback: true });
      return open({ amountCents: amount.amountCents, reason: `chargeback: ${reason}`, openedBy: 'service', chargeback: true, chargebackId: disputeId });
    }
    case 'MilestoneChargebackClosed': {
      const outcome: DisputeOutcome = event.data.outcome === 'won' ? 'chargeback_won' : 'chargeback_lost';
      return update((d) => d.status === 'open' && d.chargebackId === event.data.disputeId, { status: 'resolved', outcome, resolvedAt: occurredAt });
    }
    case 'MilestoneDisputeResolved':
      return update((d) => d.status === 'open', { status: 'resolved', outcome: event.data.resolution, resolvedAt: occurredAt });
    case 'MilestoneSupportNoteAdded': {
      // The latest dispute of the milestone (open or not) counts the note.
      const latest = [...state.disputes].reverse().find((d) => d.milestoneId === milestoneId);
      if (!latest) return state;
      return update((d) => d.disputeKey === latest.disputeKey, { notes: latest.notes + 1 });
    }
    default:
      return assertNever(event, 'dispute event');
  }
}
