import { assert } from '@escrow/domain';
import type { SqlExecutor } from '@escrow/sql';
import { invoiceKinds, type Invoice, type InvoiceKind, type PaymentStatus } from './invoice';

/** bigint columns come back as text (pg and PGlite disagree on int8), converted after a check. */
export const invoiceColumns = `i.id, i.number, i.series, i.sequence::text as sequence, i.kind, i.issued_at, i.contract_id,
  i.milestone_id, i.employer_id, i.trainer_id, i.project_name, i.milestone_name, i.description, i.billing_type,
  i.currency, i.amount_cents::text as amount_cents, i.fee_cents::text as fee_cents, i.net_cents::text as net_cents,
  i.refunded_cents::text as refunded_cents, i.payment_status, i.payment_intent_id, i.charge_id, i.transfer_id,
  i.refund_ids, i.source_event_id, i.position, i.updated_at`;

export interface InvoiceRow {
  id: string;
  number: string;
  series: string;
  sequence: string;
  kind: string;
  issued_at: string;
  contract_id: string;
  milestone_id: string;
  employer_id: string;
  trainer_id: string;
  project_name: string;
  milestone_name: string;
  description: string | null;
  billing_type: string;
  currency: string;
  amount_cents: string;
  fee_cents: string | null;
  net_cents: string | null;
  refunded_cents: string;
  payment_status: string;
  payment_intent_id: string | null;
  charge_id: string | null;
  transfer_id: string | null;
  refund_ids: unknown;
  source_event_id: string;
  position: string;
  updated_at: string;
}

const paymentStatuses: readonly string[] = ['paid', 'partially_refunded', 'refunded'] satisfies PaymentStatus[];

export function fromRow(row: InvoiceRow): Invoice {
  assert((invoiceKinds as readonly string[]).includes(row.kind), `invoice ${row.id} has a known kind`);
  assert(paymentStatuses.includes(row.payment_status), `invoice ${row.id} has a known payment status`);
  assert(row.billing_type === 'fixed_price_milestone' && row.currency === 'USD', `invoice ${row.id} is a USD fixed-price invoice`);
  assert(Array.isArray(row.refund_ids) && row.refund_ids.every((r) => typeof r === 'string'), `invoice ${row.id} lists refund ids`);
  return {
    id: row.id,
    number: row.number,
    series: row.series,
    sequence: integer(row.sequence),
    kind: row.kind as InvoiceKind,
    issuedAt: row.issued_at,
    contractId: row.contract_id,
    milestoneId: row.milestone_id,
    employerId: row.employer_id,
    trainerId: row.trainer_id,
    projectName: row.project_name,
    milestoneName: row.milestone_name,
    description: row.description,
    billingType: 'fixed_price_milestone',
    currency: 'USD',
    amountCents: integer(row.amount_cents),
    feeCents: row.fee_cents === null ? null : integer(row.fee_cents),
    netCents: row.net_cents === null ? null : integer(row.net_cents),
    refundedCents: integer(row.refunded_cents),
    paymentStatus: row.payment_status as PaymentStatus,
    paymentIntentId: row.payment_intent_id,
    chargeId: row.charge_id,
    transferId: row.transfer_id,
    refundIds: row.refund_ids as string[],
    sourceEventId: row.source_event_id,
    position: row.position,
    updatedAt: row.updated_at,
  };
}

function integer(text: string): number {
  assert(/^-?\d+$/.test(text), `${text} is an integer`);
  const value = Number(text);
  assert(Number.isSafeInteger(value), `${text} is a safe integer`);
  return value;
}

export async function findInvoiceById(db: SqlExecutor, id: string): Promise<Invoice | null> {
  const { rows } = await db.query<InvoiceRow>(`select ${invoiceColumns} from invoices i where i.id = $1`, [id]);
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function insertInvoice(tx: SqlExecutor, invoice: Invoice): Promise<void> {
  await tx.query(
    `insert into invoices (id, number, series, sequence, kind, issued_at, contract_id, milestone_id, employer_id, trainer_id,
       project_name, milestone_name, description, billing_type, currency, amount_cents, fee_cents, net_cents, refunded_cents,
       payment_status, payment_intent_id, charge_id, transfer_id, refund_ids, source_event_id, position, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23,
       $24::jsonb, $25, $26, $27)`,
    [
      invoice.id, invoice.number, invoice.series, invoice.sequence, invoice.kind, invoice.issuedAt, invoice.contractId,
      invoice.milestoneId, invoice.employerId, invoice.trainerId, invoice.projectName, invoice.milestoneName,
      invoice.description, invoice.billingType, invoice.currency, invoice.amountCents, invoice.feeCents, invoice.netCents,
      invoice.refundedCents, invoice.paymentStatus, invoice.paymentIntentId, invoice.chargeId, invoice.transferId,
      JSON.stringify(invoice.refundIds), invoice.sourceEventId, invoice.position, invoice.updatedAt,
    ],
  );
}

/** Only what a refund changes; the amount and the number of an issued invoice never change. */
export async function updateRefunds(tx: SqlExecutor, invoice: Invoice): Promise<void> {
  const { rowCount } = await tx.query(
    `update invoices set refunded_cents = $2, payment_status = $3, refund_ids = $4::jsonb, updated_at = $5 where id = $1`,
    [invoice.id, invoice.refundedCents, invoice.paymentStatus, JSON.stringify(invoice.refundIds), invoice.updatedAt],
  );
  assert(rowCount === 1, `invoice ${invoice.id} is updated once`);
}

/** The next number of `series`, in the caller's transaction: gap-free because it commits with the invoice. */
export async function nextSequence(tx: SqlExecutor, series: string): Promise<number> {
  const { rows } = await tx.query<{ last_sequence: string }>(
    `insert into invoice_series (series, last_sequence) values ($1, 1)
     on conflict (series) do update set last_sequence = invoice_series.last_sequence + 1
     returning last_sequence::text as last_sequence`,
    [series],
  );
  assert(rows[0] !== undefined, `series ${series} answers its next sequence`);
  return integer(rows[0].last_sequence);
}
