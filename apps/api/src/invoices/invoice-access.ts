import { forbidden, notFound, type Actor, type Role } from '@escrow/domain';
import type { Invoice, InvoiceFilter } from '@escrow/projections/invoices';

/** Who may call the invoice routes at all; ownership is checked per invoice below. */
export const invoiceReaderRoles: Role[] = ['employer', 'trainer', 'finance', 'support'];

/**
 * Employers see their own funding invoices, and the payout invoices of their own contracts (to
 * reconcile with their own clients); trainers their own payout invoices; finance and support
 * everything. The caller's filter is narrowed to what they may see; asking explicitly for someone
 * else's (employerId / trainerId / kind) is a 403 that names the field.
 *
 * An employer's list (and CSV) without `kind` stays their funding invoices: that is what they
 * paid, and adding the payouts of the same money would double every total summed from it. The
 * payout invoices of their contracts are listed with `kind=trainer_payout`, so every invoice an
 * employer may read by id can also be found in a list.
 */
export function scopedFilter(actor: Actor, filter: InvoiceFilter): InvoiceFilter {
  switch (actor.role) {
    case 'finance':
    case 'support':
      return filter;
    case 'employer':
      if (filter.employerId !== undefined && filter.employerId !== actor.id) {
        throw forbidden('not_invoice_party', `employerId: employer ${actor.id} can list only their own invoices`);
      }
      return { ...filter, employerId: actor.id, kind: filter.kind ?? 'employer_funding' };
    case 'trainer':
      if (filter.trainerId !== undefined && filter.trainerId !== actor.id) {
        throw forbidden('not_invoice_party', `trainerId: trainer ${actor.id} can list only their own invoices`);
      }
      if (filter.kind !== undefined && filter.kind !== 'trainer_payout') {
        throw forbidden('not_invoice_party', 'kind: trainers see only trainer_payout invoices');
      }
      return { ...filter, trainerId: actor.id, kind: 'trainer_payout' };
    default:
      throw forbidden('not_invoice_reader', `role ${actor.role} cannot read invoices`);
  }
}

export function mayRead(actor: Actor, invoice: Invoice): boolean {
  switch (actor.role) {
    case 'finance':
    case 'support':
      return true;
    case 'employer':
      // Both kinds, of their own contracts only: `employerId` is the contract's employer.
      return invoice.employerId === actor.id;
    case 'trainer':
      return invoice.kind === 'trainer_payout' && invoice.trainerId === actor.id;
    default:
      return false;
  }
}

/**
 * Another party's invoice answers exactly like a missing one (404), so invoice ids and numbers
 * cannot be probed for existence.
 */
export function requireReadable(actor: Actor, id: string, invoice: Invoice | null): Invoice {
  if (invoice === null || !mayRead(actor, invoice)) throw notFound('invoice_not_found', `invoice ${id} does not exist`);
  return invoice;
}
