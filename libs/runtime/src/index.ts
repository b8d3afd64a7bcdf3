export * from './service.config.js';
export * from './service.module.js';
export * from './health.js';
export * from './bootstrap.js';
