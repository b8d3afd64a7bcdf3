import type { QueryRunner } from 'typeorm';

/**
 * Creates the `known_area` table the read model writes. Each service calls it
 * from a migration of its own (migrations are recorded by name per database).
 * `pathIndex` adds a GIN index on the path, for services that ask "is X on the
 * path" of many areas at once (admission's subtree reports).
 */
export async function createKnownAreaTable(q: QueryRunner, options: { pathIndex?: boolean } = {}): Promise<void> {
  await q.query(`
    CREATE TABLE known_area (
      code text COLLATE "C" PRIMARY KEY,
      name text NOT NULL,
      level text NOT NULL,
      parent_code text COLLATE "C",
      path text[] NOT NULL,
      retired boolean NOT NULL DEFAULT false,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  await q.query(`CREATE INDEX known_area_parent_idx ON known_area (parent_code)`);
  if (options.pathIndex) await q.query(`CREATE INDEX known_area_path_idx ON known_area USING gin (path)`);
}
