/** render/: Discord message shapes, limits, escaping, templates, and splitting/packing of notifications. */
export type * from './discord-message.js';
export type * from './render-options.js';
export type * from './template-types.js';
export * from './limits.js';
export * from './escape.js';
export * from './colors.js';
export * from './urls.js';
export * from './time.js';
export * from './identity.js';
export * from './mentions.js';
export * from './fit.js';
export * from './format.js';
export * from './templates.js';
export * from './alert-template.js';
export * from './alert-embed.js';
export * from './notification.js';
export * from './compact.js';
export * from './embed-builder.js';
