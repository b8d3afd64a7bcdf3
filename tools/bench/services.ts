import { performance } from 'node:perf_hooks';
import { Injectable, Module } from '@nestjs/common';
import { IsInt, IsNumber, IsString, Length, Min } from 'class-validator';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { defineEndpoint, defineEvent } from '@gridwork/contracts';
import { Endpoint, OnEvent, type EventContext } from '@gridwork/messaging';
import type { ServiceDefinition } from '@gridwork/runtime';

/*
 * The two throw-away services the messaging benchmark runs: `bench` serves an
 * echo endpoint and writes events through its outbox; `benchsink` consumes
 * them into a counter, the way a real read model would.
 */

export class EchoRequest {
  @IsString() @Length(1, 100) text: string;
  @IsInt() @Min(0) n: number;
}

export class EchoReply {
  @IsString() text: string;
  @IsInt() n: number;
}

export class ItemCreated {
  @IsString() id: string;
  @IsInt() @Min(0) seq: number;
  /** `epochMs()` when the event was written, for end-to-end latency. */
  @IsNumber() writtenAt: number;
}

export const bench = {
  echo: defineEndpoint({
    service: 'bench',
    aggregate: 'echo',
    action: 'call',
    summary: 'Answers with its request (benchmark).',
    request: EchoRequest,
    reply: EchoReply,
  }),
  itemCreated: defineEvent({ service: 'bench', aggregate: 'item', event: 'created', summary: 'Benchmark event.', payload: ItemCreated }),
};

@Injectable()
export class EchoEndpoints {
  @Endpoint(bench.echo)
  async echo(request: EchoRequest): Promise<EchoReply> {
    return { text: request.text, n: request.n };
  }
}

export function benchService(): ServiceDefinition {
  @Module({ providers: [EchoEndpoints] })
  class BenchModule {}
  return { service: 'bench', defaultHttpPort: 0, features: [{ module: BenchModule }] };
}

/** Milliseconds since the epoch with sub-millisecond resolution (the benchmark runs in one process). */
export const epochMs = (): number => performance.timeOrigin + performance.now();

/** End-to-end latencies (ms) the sink saw, in arrival order; the benchmark reads and clears it. */
export const sinkLatencies: number[] = [];

class CreateBenchCounter1800000000001 implements MigrationInterface {
  async up(q: QueryRunner) {
    await q.query(`CREATE TABLE bench_counter (id int PRIMARY KEY, n bigint NOT NULL)`);
    await q.query(`INSERT INTO bench_counter VALUES (1, 0)`);
  }
  async down(q: QueryRunner) {
    await q.query(`DROP TABLE bench_counter`);
  }
}

/** The key of the counter increment a consumer transaction shares among its events. */
const COUNTER = {};

@Injectable()
export class SinkHandlers {
  /**
   * Adds the event to the counter the way a read model does (`batched`): one
   * UPDATE per consumer transaction, in the transaction that records the
   * events in the inbox, so each is counted exactly once.
   */
  @OnEvent(bench.itemCreated)
  async onItemCreated(event: ItemCreated, { batched }: EventContext): Promise<void> {
    const pending = batched(
      COUNTER,
      () => ({ n: 0, writtenAt: [] as number[] }),
      async (value, em) => {
        await em.query('UPDATE bench_counter SET n = n + $1 WHERE id = 1', [value.n]);
        // Recorded just before the inbox transaction commits.
        const now = epochMs();
        for (const writtenAt of value.writtenAt) sinkLatencies.push(now - writtenAt);
      },
    );
    pending.n += 1;
    pending.writtenAt.push(event.writtenAt);
  }
}

export function sinkService(): ServiceDefinition {
  @Module({ providers: [SinkHandlers] })
  class SinkModule {}
  return { service: 'benchsink', defaultHttpPort: 0, features: [{ module: SinkModule, migrations: [CreateBenchCounter1800000000001] }] };
}
