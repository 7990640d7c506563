export * from './projection';
export * from './checkpoints';
export * from './projector-runner';
export * from './rebuild';
export * from './apply-at-checkpoint';
export * from './projection-group-runner';
export * from './deferred-checkpoint';
