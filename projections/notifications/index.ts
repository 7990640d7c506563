export * from './notifications.evolve';
export * from './notifications.projection';
export * from './notifications.query';
