import { CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** Marks an event as applied by one consumer; written in the effect's transaction. */
@Entity({ name: 'inbox' })
export class InboxEntry {
  @PrimaryColumn('text')
  consumer: string;

  @PrimaryColumn({ name: 'event_id', type: 'text' })
  eventId: string;

  @CreateDateColumn({ name: 'processed_at', type: 'timestamptz' })
  processedAt: Date;
}
