import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The star scale an admin sets, and each volunteer's verified lifetime minutes and star. */
export class CreateStarTables1766000000600 implements MigrationInterface {
  name = 'CreateStarTables1766000000600';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE star_level (
        star integer PRIMARY KEY CHECK (star BETWEEN 1 AND 5),
        minutes integer NOT NULL UNIQUE CHECK (minutes > 0),
        benefits text[] NOT NULL DEFAULT '{}',
        set_by text NOT NULL,
        set_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE volunteer_star (
        volunteer_id uuid PRIMARY KEY REFERENCES volunteer (id),
        lifetime_minutes integer NOT NULL DEFAULT 0,
        star integer NOT NULL DEFAULT 0,
        reached_at timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE volunteer_star, star_level`);
  }
}
