export * from './events';
export * from './commands';
export * from './state';
export { decide, unresolvedStatuses } from './decide';
import { decide } from './decide';
import { evolve, initialState } from './state';

export const contractDecider = { decide, evolve, initialState };
