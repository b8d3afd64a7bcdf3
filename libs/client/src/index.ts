export * from './consumer.js';
export * from './client.js';
