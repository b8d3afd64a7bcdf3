export * from './database.js';
export * from './nats-server.js';
export * from './wait.js';
export * from './servers.js';
export * from './prometheus.js';
export * from './postgres-cluster.js';
export * from './nats-cluster.js';
export * from './ports.js';
