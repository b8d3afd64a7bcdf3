import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@gridwork/testing';
import { CaseNumbers } from '../src/cases/case-numbers.js';

describe('case numbers reserved a block at a time', () => {
  let db: TestDatabase;
  const replicas: DataSource[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('gridwork_case_numbers');
    for (let i = 0; i < 2; i++) {
      const ds = new DataSource({ type: 'postgres', url: db.url });
      await ds.initialize();
      replicas.push(ds);
    }
    await replicas[0]!.query('CREATE SEQUENCE case_number_seq');
  });
  afterAll(async () => {
    for (const ds of replicas) await ds.destroy();
    await db?.drop();
  });

  it('gives every case of every replica its own number, dated the Beijing day of its report', async () => {
    const [a, b] = replicas.map((ds) => new CaseNumbers(ds));
    // Just after midnight in Beijing, still the day before in UTC.
    const now = new Date('2026-11-23T16:30:00Z');
    // Batches in flight at once on each replica, more than a block in all, one larger than a block.
    const taken = await Promise.all([a!.take(600, now), a!.take(700, now), b!.take(5, now), b!.take(1_500, now), a!.take(1, now)]);
    const all = taken.flat();
    expect(taken.map((numbers) => numbers.length)).toEqual([600, 700, 5, 1_500, 1]);
    expect(new Set(all).size).toBe(all.length);
    for (const number of all) expect(number).toMatch(/^20261124\d{8}$/);
    // One trip per block, shared by the batches waiting for it: two blocks for each replica, nothing more.
    const [{ last }] = await replicas[0]!.query(`SELECT last_value::int AS last FROM case_number_seq`);
    expect(last).toBe(4_000);
  });
});
