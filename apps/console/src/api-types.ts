// The shapes the console reads, as the api documents them at /openapi.json (money: decimal strings).

export interface AccountTotals {
  readonly account: string;
  readonly debits: string;
  readonly credits: string;
  readonly balance: string;
}

export interface TrialBalance {
  readonly asOf: string | null;
  readonly position: string | null;
  readonly accounts: readonly AccountTotals[];
  readonly totalDebits: string;
  readonly totalCredits: string;
  readonly balanced: boolean;
}

export interface Balances {
  readonly asOf: string | null;
  readonly position: string | null;
  readonly balances: readonly AccountTotals[];
}

export interface AccountEntry {
  readonly transactionId: string;
  readonly position: string;
  readonly occurredAt: string;
  readonly eventType: string;
  readonly contractId: string | null;
  readonly milestoneId: string | null;
  readonly stripeReference: string | null;
  readonly debit: string;
  readonly credit: string;
  readonly balance: string;
}

export interface AccountEntries {
  readonly account: string;
  readonly entries: readonly AccountEntry[];
  readonly nextCursor: string | null;
}

export interface Invoice {
  readonly id: string;
  readonly number: string;
  readonly kind: string;
  readonly issuedAt: string;
  readonly contractId: string;
  readonly milestoneId: string;
  readonly employerId: string;
  readonly trainerId: string;
  readonly projectName: string;
  readonly milestoneName: string;
  readonly currency: string;
  readonly amount: string;
  readonly fee: string | null;
  readonly net: string | null;
  readonly refunded: string;
  readonly paymentStatus: string;
  readonly pdfUrl: string;
}

export interface InvoicePage {
  readonly invoices: readonly Invoice[];
  readonly next: string | null;
}

export type MilestoneStatus = 'pending' | 'funding' | 'funded' | 'pending_approval' | 'approved' | 'paid' | 'disputed' | 'refunded' | 'cancelled';

export interface Milestone {
  readonly milestoneId: string;
  readonly name: string;
  readonly description: string | null;
  readonly dueDate: string | null;
  readonly status: MilestoneStatus;
  readonly amount: string;
  readonly fee: string | null;
  readonly net: string | null;
  readonly refunded: string;
  readonly refundPending: string;
  readonly currency: string;
  readonly fundedAt: string | null;
  readonly paidAt: string | null;
  readonly lastFailure: string | null;
  readonly fundingNextStep: string | null;
  readonly resolution: string | null;
}

export interface ContractView {
  readonly contractId: string;
  readonly projectName: string;
  readonly employerId: string;
  readonly trainerId: string;
  readonly status: 'active' | 'archived';
  readonly milestones: readonly Milestone[];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly position: string;
}

export interface ContractPage {
  readonly contracts: readonly ContractView[];
  readonly next: string | null;
}

/** One message of GET /v1/events (the feed's AsyncAPI contract). */
export interface FeedEvent {
  readonly type: string;
  readonly stream: string;
  readonly position: string;
  readonly data: Record<string, unknown>;
}

export interface DisputeEntry {
  readonly disputeKey: string;
  readonly contractId: string;
  readonly milestoneId: string;
  readonly employerId: string;
  readonly trainerId: string;
  readonly amount: string;
  readonly currency: string;
  readonly reason: string;
  readonly openedBy: string;
  readonly openedAt: string;
  readonly chargeback: boolean;
  readonly status: string;
  readonly outcome: string | null;
  readonly resolvedAt: string | null;
  readonly notes: number;
  readonly ageSeconds: number;
}

export interface DisputeQueue {
  readonly asOf: string;
  readonly disputes: readonly DisputeEntry[];
}

export interface ReplayStep {
  readonly position: string;
  readonly revision: number;
  readonly occurredAt: string;
  readonly type: string;
  readonly actor: { readonly role: string; readonly id: string } | null;
  readonly data: Record<string, unknown>;
  readonly contract: ContractView | null;
  readonly changes: readonly { readonly milestoneId: string | null; readonly field: string; readonly before: unknown; readonly after: unknown }[];
  readonly posting: { readonly transactionId: string; readonly entries: readonly { readonly account: string; readonly debit: string; readonly credit: string }[] } | null;
}

export interface ContractReplay {
  readonly contractId: string;
  readonly steps: readonly ReplayStep[];
}

/** Stuck items are listed as the api stores them; these fields are the ones the console shows. */
export interface StuckItem {
  readonly id: string;
  readonly kind?: string;
  readonly type?: string;
  readonly status?: string;
  readonly contractId?: string;
  readonly milestoneId?: string;
  readonly attempts?: number;
  readonly lastError?: string | null;
  readonly error?: string | null;
}

export interface StuckList {
  readonly effects: readonly StuckItem[];
  readonly retrying: readonly StuckItem[];
  readonly refusedOutcomes: readonly StuckItem[];
  readonly webhooks: readonly StuckItem[];
  readonly autoReleaseSteps: readonly StuckItem[];
}

export interface MovementCounts {
  readonly charges: number;
  readonly transfers: number;
  readonly refunds: number;
}

/** A difference between the log and the provider; amounts in integer cents, as the api publishes them here. */
export interface Mismatch {
  readonly kind: string;
  readonly object: string;
  readonly id: string;
  readonly contractId: string;
  readonly milestoneId: string | null;
  readonly ledger: { readonly amountCents: number; readonly amountRefundedCents?: number } | null;
  readonly provider: { readonly amountCents: number; readonly status: string; readonly amountRefundedCents?: number; readonly amountReversedCents?: number } | null;
  readonly detail: string;
}

export interface ReconciliationReport {
  readonly period: { readonly from: string; readonly to: string };
  readonly checked: MovementCounts;
  readonly notOurs: MovementCounts;
  readonly mismatches: readonly Mismatch[];
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly algorithm: string;
  readonly checked: number;
  readonly lastPosition: string | null;
  readonly brokenLink: Record<string, unknown> | null;
  readonly anchor: Record<string, unknown> | null;
}

export interface AnchorReport {
  readonly algorithm: string;
  readonly position: string | null;
  readonly hash: string;
  readonly streams: number;
  readonly anchor: string | null;
}

export interface Notification {
  readonly id: string;
  readonly type: string;
  readonly title: string;
  readonly message: string;
  readonly contractId: string | null;
  readonly createdAt: string;
  readonly readAt: string | null;
}
