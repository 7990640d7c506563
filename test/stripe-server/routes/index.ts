import type { Route } from '../router';
import { accountRoutes } from './accounts';
import { balanceRoutes } from './balance';
import { chargeRoutes } from './charges';
import { customerRoutes } from './customers';
import { disputeRoutes } from './disputes';
import { eventRoutes } from './events';
import { paymentIntentRoutes } from './payment-intents';
import { paymentMethodRoutes } from './payment-methods';
import { refundRoutes } from './refunds';
import { setupIntentRoutes } from './setup-intents';
import { subscriptionRoutes } from './subscriptions';
import { transferRoutes } from './transfers';

export const stripeRoutes: readonly Route[] = [
  ...customerRoutes, ...paymentMethodRoutes, ...setupIntentRoutes, ...paymentIntentRoutes, ...chargeRoutes,
  ...transferRoutes, ...refundRoutes, ...accountRoutes, ...disputeRoutes, ...eventRoutes, ...balanceRoutes,
  ...subscriptionRoutes,
];
