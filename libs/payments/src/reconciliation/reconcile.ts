import { Money } from '@escrow/domain';
import type { RecordedCharge, RecordedMovements, RecordedRefund, RecordedTransfer } from './recorded-movements';
import { isWithin } from './period-window';
import type {
  MovementKind,
  ProviderCharge,
  ProviderMetadata,
  ProviderMovements,
  ProviderRefund,
  ProviderTransfer,
  ReconciliationPeriod,
} from './provider-movements';
import {
  milestoneTransferGroup,
  transferStatus,
  type RecordedSide,
  type Mismatch,
  type MismatchKind,
  type ProviderSide,
  type ReconciliationReport,
} from './report';

export interface ReconcileInput {
  readonly period: ReconciliationPeriod;
  /** Our whole log, not only the period: a provider object of the period may be recorded just outside it. */
  readonly recorded: RecordedMovements;
  /** The provider's objects around the period (listed with a margin, plus those looked up by id). */
  readonly provider: ProviderMovements;
}

/**
 * Compares our money movements with the provider's. An object belongs to the period by our event's
 * time when our log knows it, else by the provider's `created`, so consecutive periods report each
 * object once. Pure: the caller fetches both sides.
 */
export function reconcile({ period, recorded, provider }: ReconcileInput): ReconciliationReport {
  const refundedInLog = sumByCharge(recorded.refunds);
  const charges = reconcileKind(period, recorded.charges, provider.charges, chargeRules(refundedInLog));
  const transfers = reconcileKind(period, recorded.transfers, provider.transfers, transferRules);
  const refunds = reconcileKind(period, recorded.refunds, provider.refunds, refundRules);
  return {
    period: { from: period.from.toISOString(), to: period.to.toISOString() },
    checked: { charges: charges.checked, transfers: transfers.checked, refunds: refunds.checked },
    notOurs: { charges: charges.notOurs, transfers: transfers.notOurs, refunds: refunds.notOurs },
    mismatches: [...charges.mismatches, ...transfers.mismatches, ...refunds.mismatches],
  };
}

interface OurMovement {
  readonly id: string;
  readonly contractId: string;
  readonly milestoneId: string;
  readonly amountCents: number;
  readonly occurredAt: Date;
}

interface TheirMovement {
  readonly id: string;
  readonly amountCents: number;
  readonly metadata: ProviderMetadata;
  readonly created: Date;
}

/** How one kind of object is compared. */
interface KindRules<L extends OurMovement, P extends TheirMovement> {
  readonly object: MovementKind;
  readonly providerSide: (theirs: P) => ProviderSide;
  readonly recordedSide: (ours: L) => RecordedSide;
  /** Both sides know the object: what disagrees beyond the amount. */
  readonly differences: (ours: L, theirs: P) => Omit<Mismatch, 'object' | 'id' | 'contractId' | 'milestoneId' | 'ledger' | 'provider'>[];
  /** Unknown to our log, does it matter? Only if money moved (a declined charge moved none). */
  readonly movedMoney: (theirs: P) => boolean;
}

interface KindResult {
  readonly checked: number;
  readonly notOurs: number;
  readonly mismatches: Mismatch[];
}

function reconcileKind<L extends OurMovement, P extends TheirMovement>(
  period: ReconciliationPeriod,
  ours: readonly L[],
  theirs: readonly P[],
  rules: KindRules<L, P>,
): KindResult {
  const theirsById = firstById(theirs);
  const oursIds = new Set(ours.map((item) => item.id));
  const mismatches: Mismatch[] = [];
  const oursInPeriod = ours.filter((item) => isWithin(period, item.occurredAt));
  for (const item of oursInPeriod) mismatches.push(...compareKnown(item, theirsById.get(item.id) ?? null, rules));
  let onlyTheirs = 0;
  let notOurs = 0;
  for (const item of theirsById.values()) {
    if (!isWithin(period, item.created)) continue;
    if (!isOurs(item.metadata)) notOurs++;
    else if (!oursIds.has(item.id)) {
      onlyTheirs++;
      if (rules.movedMoney(item)) mismatches.push(missingInLog(item, rules));
    }
  }
  return { checked: oursInPeriod.length + onlyTheirs, notOurs, mismatches };
}

function compareKnown<L extends OurMovement, P extends TheirMovement>(ours: L, theirs: P | null, rules: KindRules<L, P>): Mismatch[] {
  const about = { object: rules.object, id: ours.id, contractId: ours.contractId, milestoneId: ours.milestoneId, ledger: rules.recordedSide(ours) };
  if (theirs === null) {
    return [{ ...about, kind: 'missing_at_provider', provider: null, detail: `${rules.object} ${ours.id} is in the ledger but not at the provider` }];
  }
  const found: Omit<Mismatch, keyof typeof about | 'provider'>[] = [];
  if (ours.amountCents !== theirs.amountCents) {
    found.push({ kind: 'amount_differs', detail: `amount ${Money.format(ours.amountCents)} in the ledger, ${Money.format(theirs.amountCents)} at the provider` });
  }
  found.push(...rules.differences(ours, theirs));
  return found.map((difference) => ({ ...about, provider: rules.providerSide(theirs), ...difference }));
}

function missingInLog<P extends TheirMovement>(theirs: P, rules: KindRules<never, P>): Mismatch {
  return {
    kind: 'missing_in_ledger',
    object: rules.object,
    id: theirs.id,
    contractId: theirs.metadata['contractId'] ?? '',
    milestoneId: theirs.metadata['milestoneId'] ?? null,
    ledger: null,
    provider: rules.providerSide(theirs),
    detail: `${rules.object} ${theirs.id} of ${Money.format(theirs.amountCents)} carries our metadata but no event records it`,
  };
}

/** Ours = stamped by this platform: every money object we create carries the contract's id. */
export function isOurs(metadata: ProviderMetadata): boolean {
  const contractId = metadata['contractId'];
  return typeof contractId === 'string' && contractId !== '';
}

function chargeRules(refundedInLog: ReadonlyMap<string, number>): KindRules<RecordedCharge, ProviderCharge> {
  const refundedOf = (chargeId: string) => refundedInLog.get(chargeId) ?? 0;
  return {
    object: 'charge',
    recordedSide: (ours) => ({ amountCents: ours.amountCents, amountRefundedCents: refundedOf(ours.id) }),
    providerSide: (theirs) => ({ amountCents: theirs.amountCents, status: theirs.status, amountRefundedCents: theirs.amountRefundedCents }),
    differences: (ours, theirs) => [
      ...statusDifference(theirs.status, ['succeeded'], 'funded'),
      ...refundedDifference(refundedOf(ours.id), theirs.amountRefundedCents),
      ...transferGroupDifference(ours.milestoneId, theirs.transferGroup),
    ],
    movedMoney: (theirs) => theirs.status === 'succeeded',
  };
}

const transferRules: KindRules<RecordedTransfer, ProviderTransfer> = {
  object: 'transfer',
  recordedSide: (ours) => ({ amountCents: ours.amountCents }),
  providerSide: (theirs) => ({
    amountCents: theirs.amountCents,
    status: transferStatus(theirs.amountCents, theirs.amountReversedCents),
    amountReversedCents: theirs.amountReversedCents,
  }),
  differences: (ours, theirs) => [
    // Our log has no reversal event: any money pulled back from the trainer happened outside it.
    ...(theirs.amountReversedCents > 0
      ? [{ kind: 'amount_differs' as const, detail: `${Money.format(theirs.amountReversedCents)} reversed at the provider, never in the ledger` }]
      : []),
    ...transferGroupDifference(ours.milestoneId, theirs.transferGroup),
  ],
  movedMoney: () => true,
};

/** A pending refund is committed by the provider; a failed or canceled one returned nothing. */
const refundStatusesMovingMoney = ['succeeded', 'pending'];

const refundRules: KindRules<RecordedRefund, ProviderRefund> = {
  object: 'refund',
  recordedSide: (ours) => ({ amountCents: ours.amountCents }),
  providerSide: (theirs) => ({ amountCents: theirs.amountCents, status: theirs.status }),
  differences: (_, theirs) => statusDifference(theirs.status, refundStatusesMovingMoney, 'refunded'),
  movedMoney: (theirs) => refundStatusesMovingMoney.includes(theirs.status),
};

type Difference = { kind: MismatchKind; detail: string; transferGroup?: Mismatch['transferGroup'] };

function statusDifference(status: string, agreeing: readonly string[], logSays: string): Difference[] {
  if (agreeing.includes(status)) return [];
  return [{ kind: 'status_differs', detail: `${logSays} in the ledger, ${status} at the provider` }];
}

function refundedDifference(loggedCents: number, providerCents: number): Difference[] {
  if (loggedCents === providerCents) return [];
  return [{ kind: 'amount_differs', detail: `refunded ${Money.format(loggedCents)} in the ledger, ${Money.format(providerCents)} at the provider` }];
}

function transferGroupDifference(milestoneId: string, actual: string | null): Difference[] {
  const expected = milestoneTransferGroup(milestoneId);
  if (actual === expected) return [];
  return [{ kind: 'transfer_group_differs', detail: `transfer group ${actual ?? '(none)'} at the provider, ${expected} expected`, transferGroup: { expected, actual } }];
}

function sumByCharge(refunds: readonly RecordedRefund[]): Map<string, number> {
  const sums = new Map<string, number>();
  for (const refund of refunds) sums.set(refund.chargeId, (sums.get(refund.chargeId) ?? 0) + refund.amountCents);
  return sums;
}

function firstById<T extends { id: string }>(items: readonly T[]): Map<string, T> {
  const byId = new Map<string, T>();
  for (const item of items) if (!byId.has(item.id)) byId.set(item.id, item);
  return byId;
}
