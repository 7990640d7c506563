export * from './payment-gateway';
export {
  SimulatedPaymentGateway,
  type SimulatedCharge,
  type SimulatedFault,
  type SimulatedRefund,
  type SimulatedTransfer,
} from './simulated/simulated-gateway';
export * from './stripe';
export * from './webhooks';
export * from './reconciliation';
