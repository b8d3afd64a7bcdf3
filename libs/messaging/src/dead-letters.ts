import { headers as natsHeaders, type NatsConnection } from '@nats-io/nats-core';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import {
  ErrorCode,
  GridworkError,
  Headers,
  deadLetterStreamOf,
  type DeadLetter,
  type ListDeadLettersReply,
  type ListDeadLettersRequest,
  type ReplayDeadLetterReply,
  type ReplayDeadLetterRequest,
} from '@gridwork/contracts';
import { decodeJson } from '@gridwork/client';
import type { EventConsumers } from './event-consumers.js';

/**
 * The operator's view of this service's dead letters: list them with their
 * error, and replay one through its consumer after a fix. A replay goes
 * through the inbox like any delivery, so it applies at most once.
 */
export class DeadLetters {
  constructor(
    private readonly nc: NatsConnection,
    private readonly service: string,
    private readonly consumers: EventConsumers,
  ) {}

  private get stream(): string {
    return deadLetterStreamOf(this.service);
  }

  async list(request: ListDeadLettersRequest): Promise<ListDeadLettersReply> {
    const limit = request.limit ?? 50;
    const jsm = await jetstreamManager(this.nc);
    const { state } = await jsm.streams.info(this.stream);
    const items: DeadLetter[] = [];
    let seq = Math.max(state.first_seq, (request.afterSequence ?? 0) + 1);
    for (; seq <= state.last_seq && items.length < limit; seq++) {
      const letter = await this.read(jsm, seq);
      if (letter && (!request.source || letter.source === request.source)) items.push(letter);
    }
    return seq <= state.last_seq ? { items, nextAfterSequence: seq - 1 } : { items };
  }

  async replay(request: ReplayDeadLetterRequest): Promise<ReplayDeadLetterReply> {
    const jsm = await jetstreamManager(this.nc);
    const stored = await jsm.streams.getMessage(this.stream, { seq: request.sequence }).catch(() => null);
    if (!stored) throw GridworkError.notFound(`dead letter ${request.sequence}`);
    const source = stored.subject.split('.').pop()!;
    const h = natsHeaders();
    for (const [key, values] of stored.header ?? []) for (const value of values) h.append(key, value);
    h.set(Headers.msgId, stored.header.get(Headers.deadLetterEventId));
    const outcome = await this.consumers.apply(source, {
      subject: stored.header.get(Headers.deadLetterSubject),
      headers: h,
      data: stored.data,
      streamSequence: Number(stored.header.get(Headers.deadLetterStreamSequence)),
      deliveryCount: Number(stored.header.get(Headers.deadLetterDeliveries)) + 1,
    });
    if (outcome === 'ignored') {
      throw new GridworkError(ErrorCode.CONFLICT, `this service no longer handles ${stored.header.get(Headers.deadLetterSubject)}; the dead letter is kept`);
    }
    await jsm.streams.deleteMessage(this.stream, request.sequence);
    return { sequence: request.sequence, outcome };
  }

  private async read(jsm: JetStreamManager, seq: number): Promise<DeadLetter | null> {
    const stored = await jsm.streams.getMessage(this.stream, { seq }).catch(() => null);
    if (!stored) return null; // replayed and deleted
    const h = stored.header;
    let payload: Record<string, unknown>;
    try {
      payload = decodeJson(stored.data) as Record<string, unknown>;
    } catch {
      payload = { raw: new TextDecoder().decode(stored.data) };
    }
    return {
      sequence: seq,
      source: stored.subject.split('.').pop()!,
      consumer: h.get(Headers.deadLetterConsumer),
      subject: h.get(Headers.deadLetterSubject),
      eventId: h.get(Headers.deadLetterEventId),
      schema: h.get(Headers.schema),
      error: h.get(Headers.deadLetterError),
      deliveries: Number(h.get(Headers.deadLetterDeliveries)),
      failedAt: h.get(Headers.deadLetterFailedAt),
      payload,
    };
  }
}
