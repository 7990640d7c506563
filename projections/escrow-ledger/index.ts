export * from './escrow-ledger.evolve';
export * from './escrow-ledger.projection';
export * from './escrow-ledger.query';
export * from './escrow-ledger.response';
export * from './escrow-ledger.schema';
