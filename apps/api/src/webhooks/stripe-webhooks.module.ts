import { Module } from '@nestjs/common';
import { StripeWebhookInbox } from '@escrow/payments';
import { SQL_DB } from '@escrow/runtime';
import type { SqlDb } from '@escrow/sql';
import { StripeWebhooksController } from './stripe-webhooks.controller';

/** POST /v1/webhooks/stripe and its inbox. The raw body comes from `prepareStripeWebhookRoute`. */
@Module({
  controllers: [StripeWebhooksController],
  providers: [{ provide: StripeWebhookInbox, useFactory: (db: SqlDb) => new StripeWebhookInbox(db), inject: [SQL_DB] }],
  exports: [StripeWebhookInbox],
})
export class StripeWebhooksModule {}
