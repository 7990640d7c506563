import { contractViewProjection } from '@escrow/projections/contract-view';
import { disputesProjection } from '@escrow/projections/disputes';
import { escrowLedgerProjection } from '@escrow/projections/escrow-ledger';
import { invoicesProjection } from '@escrow/projections/invoices';
import { notificationsProjection } from '@escrow/projections/notifications';
import { paymentHistoryProjection } from '@escrow/projections/payment-history';
import type { Projection } from '@escrow/projector';

/** Every read model the worker keeps up to date (and the rebuild script can replay), by name. */
export const projections: readonly Projection[] = [
  contractViewProjection,
  escrowLedgerProjection,
  invoicesProjection,
  paymentHistoryProjection,
  notificationsProjection,
  disputesProjection,
];
