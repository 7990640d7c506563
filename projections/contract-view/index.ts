export * from './contract-view.model';
export * from './contract-view.evolve';
export * from './contract-view.projection';
export * from './contract-view.response';
export * from './contract-view.list';
