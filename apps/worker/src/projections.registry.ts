import { contractViewProjection } from '@escrow/projections/contract-view';
import type { Projection } from '@escrow/projector';

/** Every read model the worker keeps up to date (and the rebuild script can replay), by name. */
export const projections: readonly Projection[] = [
  contractViewProjection,
];
