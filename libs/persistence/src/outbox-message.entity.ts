import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An event written in the same transaction as the state change it reports;
 * the outbox relay publishes it to JetStream and sets `sentAt`.
 */
@Entity({ name: 'outbox' })
@Index('outbox_pending_idx', ['seq'], { where: 'sent_at IS NULL' })
export class OutboxMessage {
  /** The event id (UUIDv7), sent as `Nats-Msg-Id`. */
  @PrimaryColumn('uuid')
  id: string;

  /** Insertion order: the relay publishes in this order. */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS', insert: false, update: false })
  seq: string;

  @Column('text')
  subject: string;

  @Column('jsonb')
  headers: Record<string, string>;

  @Column('jsonb')
  payload: unknown;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;
}
