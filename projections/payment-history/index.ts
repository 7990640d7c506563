export * from './payment-history.evolve';
export * from './payment-history.projection';
export * from './payment-history.response';
