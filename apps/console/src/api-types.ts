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
