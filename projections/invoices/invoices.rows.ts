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

/** Invoices by id, in one query (ids not found are absent from the map). */
export async function findInvoicesByIds(db: SqlExecutor, ids: readonly string[]): Promise<Map<string, Invoice>> {
  const found = new Map<string, Invoice>();
  if (ids.length === 0) return found;
  const { rows } = await db.query<InvoiceRow>(`select ${invoiceColumns} from invoices i where i.id = any($1::text[])`, [ids]);
  for (const row of rows) found.set(row.id, fromRow(row));
  return found;
}

/**
 * Inserts newly issued invoices in one statement (ids distinct, none stored yet). Arrays of text
 * (not JSON) carry the values, so every string reaches the table as a text parameter would.
 */
export async function insertInvoices(tx: SqlExecutor, invoices: readonly Invoice[]): Promise<void> {
  if (invoices.length === 0) return;
  const column = <T>(pick: (invoice: Invoice) => T): T[] => invoices.map(pick);
  const { rowCount } = await tx.query(
    `insert into invoices (id, number, series, sequence, kind, issued_at, contract_id, milestone_id, employer_id, trainer_id,
       project_name, milestone_name, description, billing_type, currency, amount_cents, fee_cents, net_cents, refunded_cents,
       payment_status, payment_intent_id, charge_id, transfer_id, refund_ids, source_event_id, position, updated_at)
     select id, number, series, sequence, kind, issued_at, contract_id, milestone_id, employer_id, trainer_id,
       project_name, milestone_name, description, billing_type, currency, amount_cents, fee_cents, net_cents, refunded_cents,
       payment_status, payment_intent_id, charge_id, transfer_id, refund_ids::jsonb, source_event_id, position, updated_at
     from unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
       $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::bigint[], $17::bigint[], $18::bigint[],
       $19::bigint[], $20::text[], $21::text[], $22::text[], $23::text[], $24::text[], $25::text[], $26::text[], $27::text[])
       as x(id, number, series, sequence, kind, issued_at, contract_id, milestone_id, employer_id, trainer_id,
       project_name, milestone_name, description, billing_type, currency, amount_cents, fee_cents, net_cents, refunded_cents,
       payment_status, payment_intent_id, charge_id, transfer_id, refund_ids, source_event_id, position, updated_at)`,
    [
      column((i) => i.id), column((i) => i.number), column((i) => i.series), column((i) => i.sequence), column((i) => i.kind),
      column((i) => i.issuedAt), column((i) => i.contractId), column((i) => i.milestoneId), column((i) => i.employerId),
      column((i) => i.trainerId), column((i) => i.projectName), column((i) => i.milestoneName), column((i) => i.description),
      column((i) => i.billingType), column((i) => i.currency), column((i) => i.amountCents), column((i) => i.feeCents),
      column((i) => i.netCents), column((i) => i.refundedCents), column((i) => i.paymentStatus), column((i) => i.paymentIntentId),
      column((i) => i.chargeId), column((i) => i.transferId), column((i) => JSON.stringify(i.refundIds)),
      column((i) => i.sourceEventId), column((i) => i.position), column((i) => i.updatedAt),
    ],
  );
  assert(rowCount === invoices.length, `${invoices.length} invoices are inserted`);
}

/** Only what a refund changes, one statement for stored invoices (ids distinct): the amount and the number never change. */
export async function updateRefunds(tx: SqlExecutor, invoices: readonly Invoice[]): Promise<void> {
  if (invoices.length === 0) return;
  const { rowCount } = await tx.query(
    `update invoices i set refunded_cents = x.refunded_cents, payment_status = x.payment_status, refund_ids = x.refund_ids::jsonb,
       updated_at = x.updated_at
     from unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[]) as x(id, refunded_cents, payment_status, refund_ids, updated_at)
     where i.id = x.id`,
    [
      invoices.map((i) => i.id), invoices.map((i) => i.refundedCents), invoices.map((i) => i.paymentStatus),
      invoices.map((i) => JSON.stringify(i.refundIds)), invoices.map((i) => i.updatedAt),
    ],
  );
  assert(rowCount === invoices.length, `${invoices.length} invoices are updated once each`);
}

/** The stored counter of every series (a handful: one per kind and year). */
export async function loadSequences(tx: SqlExecutor): Promise<Map<string, number>> {
  const { rows } = await tx.query<{ series: string; last_sequence: string }>(
    'select series, last_sequence::text as last_sequence from invoice_series',
  );
  return new Map(rows.map((row) => [row.series, integer(row.last_sequence)]));
}

/** Sets the counters of the given series, in the caller's transaction: gap-free because it commits with the invoices. */
export async function saveSequences(tx: SqlExecutor, lastSequences: ReadonlyMap<string, number>): Promise<void> {
  if (lastSequences.size === 0) return;
  await tx.query(
    `insert into invoice_series (series, last_sequence) select * from unnest($1::text[], $2::bigint[])
     on conflict (series) do update set last_sequence = excluded.last_sequence`,
    [[...lastSequences.keys()], [...lastSequences.values()]],
  );
}
