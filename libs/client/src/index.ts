export * from './consumer.js';
export * from './client.js';
export * from './unavailable.js';
export * from './linger.js';
