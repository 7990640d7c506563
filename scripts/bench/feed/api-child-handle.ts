import { BenchChild } from '../bench-child';
import { childConfigEnv, type ApiStartup, type ChildConfig, type ChildOp, type WriteRequest } from './api-protocol';

/** The feed bench's handle on the api process. */
export type ApiChild = BenchChild<ChildOp, { readonly startup: ApiStartup }, { write?: WriteRequest }>;

export const ApiChild = {
  start(config: ChildConfig): Promise<ApiChild> {
    // The api process runs api-child's module, next to this one (dist/…/feed/api-child.js once
    // built): resolved, not imported, since only the api process is to run it.
    return BenchChild.start(require.resolve('./api-child'), { [childConfigEnv]: JSON.stringify(config) }, ['--expose-gc']);
  },
};
