import { Money, type Actor, type Amount } from '@escrow/domain';
import type { Invoice } from '@escrow/projections/invoices';
import type { ReplayStep, StripeReferences } from './contract-replay';

/**
 * The case file of a dispute for support: the contract, each milestone's disputes, resolutions
 * and support notes, the invoices, every Stripe id, and the whole timeline. Pure: built from the
 * replay of the contract's stream (the same steps GET …/replay serves) and its invoices, so the
 * same log gives the same file (its date is the last event's, never the clock).
 */

export interface CaseFileInvoice {
  readonly number: string;
  readonly kind: Invoice['kind'];
  readonly issuedAt: string;
  readonly milestoneId: string;
  readonly amount: string;
  readonly fee: string | null;
  readonly net: string | null;
  readonly refunded: string;
  readonly paymentStatus: Invoice['paymentStatus'];
  readonly chargeId: string | null;
  readonly transferId: string | null;
  readonly refundIds: readonly string[];
}

export interface CaseFileDispute {
  readonly openedAt: string;
  readonly openedBy: string;
  readonly reason: string;
  readonly chargeback: { readonly disputeId: string; readonly amount: string } | null;
}

export interface CaseFileResolution {
  readonly resolvedAt: string;
  readonly by: Actor | null;
  readonly resolution: string;
  readonly trainerAmount: string;
  readonly refundAmount: string;
  readonly fee: string;
  readonly net: string;
  readonly note: string;
}

export interface CaseFileNote {
  readonly noteId: string;
  readonly at: string;
  readonly by: string;
  readonly text: string;
}

export interface CaseFileMilestone {
  readonly milestoneId: string;
  readonly name: string;
  readonly status: string;
  readonly amount: string;
  readonly fee: string | null;
  readonly net: string | null;
  readonly refunded: string;
  readonly disputes: readonly CaseFileDispute[];
  readonly resolutions: readonly CaseFileResolution[];
  readonly chargebacks: readonly { disputeId: string; amount: string; reason: string; status: string; openedAt: string; closedAt: string | null }[];
  readonly notes: readonly CaseFileNote[];
}

export interface CaseFileEntry {
  readonly position: string;
  readonly occurredAt: string;
  readonly type: string;
  readonly actor: Actor | null;
  readonly milestoneId: string | null;
  readonly summary: string;
  readonly changes: ReplayStep['changes'];
  readonly stripe: StripeReferences;
  readonly posting: ReplayStep['posting'];
}

export interface CaseFile {
  readonly contractId: string;
  readonly projectName: string;
  readonly employerId: string;
  readonly trainerId: string;
  readonly status: string;
  /** The last event's position and time: what the file shows the contract as of. */
  readonly asOfPosition: string;
  readonly asOf: string;
  readonly milestones: readonly CaseFileMilestone[];
  readonly invoices: readonly CaseFileInvoice[];
  /** Every Stripe id the contract's events name, by kind, in order of first mention. */
  readonly stripe: { readonly [K in keyof StripeReferences]-?: readonly string[] };
  readonly timeline: readonly CaseFileEntry[];
}

const money = (amount: Amount) => Money.format(amount.amountCents);

/** The case file of a contract from its replay (at least its first step) and its invoices. */
export function buildCaseFile(steps: readonly ReplayStep[], invoices: readonly Invoice[]): CaseFile {
  const last = steps[steps.length - 1];
  if (last === undefined) throw new Error('a case file needs at least the contract creation');
  const contract = last.contract;
  const milestones = contract.milestones.map((m) => ({
    milestoneId: m.milestoneId,
    name: m.name,
    status: m.status,
    amount: m.amount,
    fee: m.fee,
    net: m.net,
    refunded: m.refunded,
    disputes: [] as CaseFileDispute[],
    resolutions: [] as CaseFileResolution[],
    chargebacks: m.chargebacks.map(({ disputeId, amount, reason, status, openedAt, closedAt }) => ({ disputeId, amount, reason, status, openedAt, closedAt })),
    notes: [] as CaseFileNote[],
  }));
  const milestone = (id: string) => milestones.find((m) => m.milestoneId === id);
  for (const step of steps) {
    const data = step.data as Record<string, unknown>;
    if (step.type === 'MilestoneDisputed') {
      const d = data as { milestoneId: string; disputedBy: string; reason: string; chargeback: { disputeId: string; amount: Amount } | null };
      milestone(d.milestoneId)?.disputes.push({
        openedAt: step.occurredAt,
        openedBy: d.disputedBy,
        reason: d.reason,
        chargeback: d.chargeback ? { disputeId: d.chargeback.disputeId, amount: money(d.chargeback.amount) } : null,
      });
    } else if (step.type === 'MilestoneDisputeResolved') {
      const d = data as { milestoneId: string; resolution: string; trainerAmount: Amount; refundAmount: Amount; fee: Amount; net: Amount; note: string };
      milestone(d.milestoneId)?.resolutions.push({
        resolvedAt: step.occurredAt,
        by: step.actor,
        resolution: d.resolution,
        trainerAmount: money(d.trainerAmount),
        refundAmount: money(d.refundAmount),
        fee: money(d.fee),
        net: money(d.net),
        note: d.note,
      });
    } else if (step.type === 'MilestoneSupportNoteAdded') {
      const d = data as { milestoneId: string; noteId: string; supportId: string; note: string };
      milestone(d.milestoneId)?.notes.push({ noteId: d.noteId, at: step.occurredAt, by: d.supportId, text: d.note });
    }
  }
  return {
    contractId: contract.contractId,
    projectName: contract.projectName,
    employerId: contract.employerId,
    trainerId: contract.trainerId,
    status: contract.status,
    asOfPosition: last.position,
    asOf: last.occurredAt,
    milestones,
    invoices: invoices.map(invoiceEntry),
    stripe: stripeIds(steps),
    timeline: steps.map((step) => ({
      position: step.position,
      occurredAt: step.occurredAt,
      type: step.type,
      actor: step.actor,
      milestoneId: milestoneIdOf(step.data),
      summary: summaryOf(step),
      changes: step.changes,
      stripe: step.stripe,
      posting: step.posting,
    })),
  };
}

function invoiceEntry(invoice: Invoice): CaseFileInvoice {
  return {
    number: invoice.number,
    kind: invoice.kind,
    issuedAt: invoice.issuedAt,
    milestoneId: invoice.milestoneId,
    amount: Money.format(invoice.amountCents),
    fee: invoice.feeCents === null ? null : Money.format(invoice.feeCents),
    net: invoice.netCents === null ? null : Money.format(invoice.netCents),
    refunded: Money.format(invoice.refundedCents),
    paymentStatus: invoice.paymentStatus,
    chargeId: invoice.chargeId,
    transferId: invoice.transferId,
    refundIds: invoice.refundIds,
  };
}

const stripeKinds = ['customerId', 'paymentMethodId', 'paymentIntentId', 'chargeId', 'transferId', 'destinationAccountId', 'refundId', 'disputeId'] as const;

function stripeIds(steps: readonly ReplayStep[]): CaseFile['stripe'] {
  const ids = Object.fromEntries(stripeKinds.map((kind) => [kind, [] as string[]])) as Record<(typeof stripeKinds)[number], string[]>;
  for (const step of steps) {
    for (const kind of stripeKinds) {
      const id = step.stripe[kind];
      if (id !== undefined && !ids[kind].includes(id)) ids[kind].push(id);
    }
  }
  return ids;
}

function milestoneIdOf(data: unknown): string | null {
  const id = (data as { milestoneId?: unknown }).milestoneId;
  return typeof id === 'string' ? id : null;
}

/** One line per event for a reader; facts only, straight from the event's data. */
export function summaryOf(step: Pick<ReplayStep, 'type' | 'data' | 'actor'>): string {
  const d = step.data as Record<string, any>;
  const who = step.actor ? `${step.actor.role} ${step.actor.id}` : 'unknown actor';
  switch (step.type) {
    case 'ContractCreated':
      return `Contract "${d.projectName}" created by employer ${d.employerId} for trainer ${d.trainerId}`;
    case 'MilestoneCreated':
      return `Milestone "${d.name}" added: ${money(d.amount)} USD`;
    case 'MilestoneFundingRequested':
      return `Funding of ${money(d.amount)} requested by ${who}`;
    case 'MilestoneFundingPending':
      return `Funding pending (${d.nextStep})`;
    case 'MilestoneFunded':
      return `Funded: ${money(d.amount)} held in escrow (charge ${d.chargeId})`;
    case 'MilestoneFundingFailed':
      return `Funding failed: ${d.reason}`;
    case 'MilestoneApprovalRequested':
      return d.note ? `Approval requested by the trainer: ${d.note}` : 'Approval requested by the trainer';
    case 'MilestoneApproved':
      return `Approved: ${money(d.amount)} released (fee ${money(d.fee)}, net ${money(d.net)})`;
    case 'MilestonePayoutCompleted':
      return `Paid out ${money(d.amount)} to the trainer (transfer ${d.transferId})`;
    case 'MilestonePayoutFailed':
      return `Payout attempt ${d.attempt} failed: ${d.reason}`;
    case 'MilestoneDisputed':
      return d.chargeback
        ? `Chargeback ${d.chargeback.disputeId} of ${money(d.chargeback.amount)}: ${d.reason}`
        : `Disputed by the ${d.disputedBy}: ${d.reason}`;
    case 'MilestoneChargebackOpened':
      return `Chargeback ${d.disputeId} of ${money(d.amount)} opened: ${d.reason}`;
    case 'MilestoneChargebackClosed':
      return `Chargeback ${d.disputeId} closed: ${d.outcome}`;
    case 'MilestoneDisputeResolved':
      return `Resolved by ${who}: ${d.resolution}; trainer ${money(d.trainerAmount)} (fee ${money(d.fee)}, net ${money(d.net)}), employer ${money(d.refundAmount)}. Note: ${d.note}`;
    case 'MilestoneRefunded':
      return `Refunded ${money(d.amount)} to the employer (refund ${d.refundId})`;
    case 'MilestoneCancelled':
      return d.reason ? `Cancelled: ${d.reason}` : 'Cancelled';
    case 'MilestoneSupportNoteAdded':
      return `Support note by ${d.supportId}: ${d.note}`;
    case 'ContractArchived':
      return 'Contract archived';
    default:
      return step.type;
  }
}
