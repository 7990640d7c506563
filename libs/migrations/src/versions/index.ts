import type { SchemaMigration } from '../schema-migration';
import { eventStore } from './0001-event-store';
import { idempotencyKeys } from './0002-idempotency-keys';
import { sagaEffects } from './0003-saga-effects';
import { sagaPayouts } from './0004-saga-payouts';
import { autoReleaseJobs } from './0005-auto-release-jobs';
import { stripeWebhookInbox } from './0006-stripe-webhook-inbox';
import { simulatedGateway } from './0007-simulated-gateway';

/**
 * Every migration, oldest first. The simulated gateway's tables are created even when Stripe is
 * configured (and the log's when EventStoreDB is): one history for every configuration, so
 * switching adapters never meets a database whose history skipped a version.
 */
export const schemaMigrations: readonly SchemaMigration[] = [
  eventStore,
  idempotencyKeys,
  sagaEffects,
  sagaPayouts,
  autoReleaseJobs,
  stripeWebhookInbox,
  simulatedGateway,
];
