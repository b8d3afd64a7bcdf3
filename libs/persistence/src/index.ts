export * from './outbox-message.entity.js';
export * from './inbox-entry.entity.js';
export * from './data-source.js';
export { CreateMessagingTables1732300000000 } from './1732300000000-create-messaging-tables.js';
export { NotifyOutboxRelays1732300000100, OUTBOX_NOTIFY_CHANNEL } from './1732300000100-notify-outbox-relays.js';
export * from './prepared.js';
export * from './errors.js';
export * from './batch-poller.js';
export * from './ids.js';
