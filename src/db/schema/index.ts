export * from './actions.js';
export * from './costs.js';
export * from './inventory.js';
export * from './jobs.js';
export * from './metrics.js';
export * from './models.js';
export * from './recommendations.js';
export * from './slack.js';
