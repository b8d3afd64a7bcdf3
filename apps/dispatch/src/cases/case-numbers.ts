import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { localDay } from '@gridwork/local-time';

/** Sequence values reserved per trip to the database: one trip per this many cases. */
const BLOCK = 1_000;

/**
 * People-facing case numbers: the Beijing date of the report and an 8-digit
 * sequence, what a reporter reads out on the phone (2026112300000042).
 *
 * Intake needs the numbers before it writes (its events carry them, and the
 * cases and events go in one statement), so each replica reserves sequence
 * values a block at a time. Numbers stay unique across replicas; the ones a
 * replica reserved and did not use when it stops are skipped, as a sequence
 * skips values anyway.
 */
@Injectable()
export class CaseNumbers {
  private readonly reserved: number[] = [];
  private refill?: Promise<void>;

  constructor(private readonly dataSource: DataSource) {}

  /** `count` new numbers for cases reported at `now`. */
  async take(count: number, now: Date): Promise<string[]> {
    while (this.reserved.length < count) {
      // Batches in flight at once share one trip.
      this.refill ??= this.reserve(Math.max(BLOCK, count - this.reserved.length)).finally(() => (this.refill = undefined));
      await this.refill;
    }
    const prefix = localDay(now).replaceAll('-', '');
    return this.reserved.splice(0, count).map((n) => prefix + String(n).padStart(8, '0'));
  }

  private async reserve(count: number): Promise<void> {
    const rows = await this.dataSource.query<{ n: string }[]>(`SELECT nextval('case_number_seq') AS n FROM generate_series(1, $1)`, [count]);
    this.reserved.push(...rows.map((row) => Number(row.n)));
  }
}
