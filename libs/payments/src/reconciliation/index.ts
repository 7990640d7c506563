export * from './provider-movements';
export * from './recorded-movements';
export * from './report';
export * from './period-window';
export { reconcile, isOurs, type ReconcileInput } from './reconcile';
