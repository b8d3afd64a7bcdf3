import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Timeline lines by the time they were written, across cases: `case.timeline`
 * pages through a window of them in this order (a mirroring system polls it).
 */
export class IndexTimelineByTime1764000000910 implements MigrationInterface {
  name = 'IndexTimelineByTime1764000000910';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX case_timeline_at_idx ON case_timeline (at, case_id, seq)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX case_timeline_at_idx`);
  }
}
