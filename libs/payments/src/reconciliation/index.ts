export * from './provider-movements';
export * from './ledger-movements';
export * from './report';
export * from './period-window';
export { reconcile, isOurs, type ReconcileInput } from './reconcile';
