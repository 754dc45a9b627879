export * from './alert.js';
export * from './alert-type.js';
export * from './notification.js';
export * from './outcome.js';
export * from './severity.js';
