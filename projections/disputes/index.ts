export * from './disputes.evolve';
export * from './disputes.projection';
export * from './disputes.query';
export * from './disputes.response';
