export * from './projection';
export * from './checkpoints';
export * from './projector-runner';
export * from './rebuild';
