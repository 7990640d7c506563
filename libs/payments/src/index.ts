export * from './payment-gateway';
export {
  SimulatedPaymentGateway,
  type SimulatedCharge,
  type SimulatedFault,
  type SimulatedTransfer,
} from './simulated/simulated-gateway';
