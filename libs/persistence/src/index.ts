export * from './outbox-message.entity.js';
export * from './inbox-entry.entity.js';
export * from './data-source.js';
export { CreateMessagingTables1732300000000 } from './1732300000000-create-messaging-tables.js';
export * from './prepared.js';
export * from './errors.js';
export * from './batch-poller.js';
export * from './ids.js';
