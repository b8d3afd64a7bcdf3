import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { MEASURE_COLUMNS, type MeasureColumn } from '@gridwork/dispatch-service/sql';
import { LOCAL_TIME_ZONE } from '@gridwork/local-time';

/*
 * Fills a dispatch database with closed cases, for checking that millions of
 * them slow neither intake nor the live board, and that statistics stay fast.
 * Rows are made inside PostgreSQL (INSERT … SELECT over generate_series), in
 * chunks of one transaction each, as the service would have stored them: a
 * people-facing number, a grid and its path from the read model, an owner,
 * deadlines met or missed, a satisfaction result and a two-line timeline
 * (reported, closed). The trigger of the supervision migration fills the
 * timer columns on insert (closed cases get no timer); `overdue_count`
 * follows the flag (yellow: one missed deadline, red: two).
 *
 * The generated cases have no events, so the assessment rollups
 * (`case_stat_daily`) are computed from the rows instead: each chunk's
 * INSERT also adds its cases to the daily counters with one aggregate over
 * grouping sets (every area of the path and the owning department, per
 * Asia/Shanghai day), in the same transaction, so counters and cases always
 * match and a second run adds to them (see ROLLUP below for what counts
 * where). Numbering continues after the seed cases already there.
 *
 * The database must have the dispatch migrations (start the service on it
 * once) and grids in its read model (run the grid service with a seed), or
 * pass --synthetic-areas to put a Guangzhou-sized synthetic tree in it.
 *
 * Usage: node tools/dist/seed/dispatch-cases.js --database URL [--cases 10000000]
 *          [--months 36] [--chunk 250000] [--synthetic-areas]
 */

const { values } = parseArgs({
  options: {
    database: { type: 'string', default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/gov_dispatch' },
    cases: { type: 'string', default: '10000000' },
    months: { type: 'string', default: '36' },
    chunk: { type: 'string', default: '250000' },
    'synthetic-areas': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(`Usage: npm run seed:dispatch-cases -- [options]
  --database URL      the dispatch database (env DATABASE_URL; gov_dispatch)
  --cases N           closed cases to add (10000000)
  --months N          spread over this many months before now (36)
  --chunk N           cases per transaction (250000)
  --synthetic-areas   first put 11 districts, 176 townships, 2,759 communities and 19,500 grids in the read model
`);
  process.exit(0);
}
const positive = (name: string, value: string | undefined): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, not ${value}`);
  return n;
};
const total = positive('cases', values.cases);
const months = positive('months', values.months);
const chunk = positive('chunk', values.chunk);
const log = (line: string) => process.stderr.write(`[seed] ${line}\n`);

/** Each fact of a generated case: the (local) day it lands on, and what it adds to which counter (those not named: 0). */
const FACTS: { day: string; adds: Partial<Record<MeasureColumn, string>> }[] = [
  { day: `(m.reported_at AT TIME ZONE '${LOCAL_TIME_ZONE}')::date`, adds: { received: '1' } },
  {
    day: `(m.claimed_at AT TIME ZONE '${LOCAL_TIME_ZONE}')::date`,
    adds: { accepted_on_time: '(m.claimed_at <= m.accept_due_at)::int', accepted_late: '(m.claimed_at > m.accept_due_at)::int' },
  },
  {
    day: `(m.resolved_at AT TIME ZONE '${LOCAL_TIME_ZONE}')::date`,
    adds: { completed_on_time: '(m.resolved_at <= m.complete_due_at)::int', completed_late: '(m.resolved_at > m.complete_due_at)::int' },
  },
  {
    day: `CASE WHEN m.overdue_count > 0 THEN
            (CASE WHEN m.claimed_at <= m.accept_due_at AND m.resolved_at > m.complete_due_at THEN m.complete_due_at ELSE m.accept_due_at END
              AT TIME ZONE '${LOCAL_TIME_ZONE}')::date END`,
    adds: { overdue: 'm.overdue_count' },
  },
  {
    day: `(m.closed_at AT TIME ZONE '${LOCAL_TIME_ZONE}')::date`,
    adds: {
      reopened: 'm.reopen_count',
      satisfied: `(m.satisfaction = 'satisfied')::int`,
      basically_satisfied: `(m.satisfaction = 'basically-satisfied')::int`,
      unsatisfied: `(m.satisfaction = 'unsatisfied')::int + m.reopen_count`,
      closed: '1',
      closed_first_time: '(m.reopen_count = 0)::int',
      close_minutes_total: 'greatest(0, round(extract(epoch FROM m.closed_at - m.reported_at) / 60))::bigint',
    },
  },
];

/** The counters the generated cases add to, in the table's order (no generated case was handed back). */
const ROLLUP_COLUMNS = MEASURE_COLUMNS.filter((c) => FACTS.some((fact) => fact.adds[c] !== undefined));

/**
 * The generated cases' contribution to the daily rollups, following the
 * measures of libs/contracts/src/dispatch/assessment.ts as far as the rows
 * tell, on Asia/Shanghai days, for every area of the case's path and for
 * the owning department (each case keeps one owner from intake to closure):
 *
 * - received: on the day reported (a department: as routed at intake);
 * - accepted on time / late: the claim (`claimed_at`) on its day, late when
 *   after `accept_due_at`; completed on time / late: the resolution
 *   (`resolved_at`) against `complete_due_at`, likewise;
 * - overdue: `overdue_count` (the flag: yellow one missed deadline, red
 *   two), on the day the first missed deadline passed;
 * - callbacks on the day closed: each reopening was an unsatisfied callback
 *   (`reopened` and `unsatisfied`), the final one answered `satisfaction`;
 * - closed, closed first time (`reopen_count` = 0) and minutes from report to
 *   closure, on the day closed.
 *
 * A reopened case's earlier claim and resolution are not in its row, so only
 * the last ones count. One aggregate over grouping sets (day × each area
 * level, and the department), added to existing rows in key order (a
 * quarter faster than in hash order); reads `made` (the rows the chunk
 * inserted).
 */
const ROLLUP = `
  INSERT INTO case_stat_daily (dimension, key, day, ${ROLLUP_COLUMNS.join(', ')})
  SELECT dimension, key, day, ${ROLLUP_COLUMNS.join(', ')}
    FROM (
      SELECT CASE WHEN grouping(p.city) = 0 THEN 'city' WHEN grouping(p.district) = 0 THEN 'district'
                  WHEN grouping(p.township) = 0 THEN 'township' WHEN grouping(p.community) = 0 THEN 'community'
                  WHEN grouping(p.grid) = 0 THEN 'grid' ELSE 'department' END AS dimension,
             CASE WHEN grouping(p.city) = 0 THEN p.city WHEN grouping(p.district) = 0 THEN p.district
                  WHEN grouping(p.township) = 0 THEN p.township WHEN grouping(p.community) = 0 THEN p.community
                  WHEN grouping(p.grid) = 0 THEN p.grid ELSE p.department END AS key,
             e.day, ${ROLLUP_COLUMNS.map((c) => `sum(e.${c}) AS ${c}`).join(', ')}
        FROM made m
        CROSS JOIN LATERAL (
          SELECT m.area_path[1] AS city, m.area_path[2] AS district, m.area_path[3] AS township, m.area_path[4] AS community,
                 m.area_path[5] AS grid, CASE WHEN m.owner_kind = 'department' THEN m.owner_department END AS department) p
        CROSS JOIN LATERAL (VALUES
          ${FACTS.map((fact) => `(${fact.day}, ${ROLLUP_COLUMNS.map((c) => fact.adds[c] ?? '0').join(', ')})`).join(',\n          ')}
        ) AS e(day, ${ROLLUP_COLUMNS.join(', ')})
       WHERE e.day IS NOT NULL
       GROUP BY e.day, GROUPING SETS ((p.city), (p.district), (p.township), (p.community), (p.grid), (p.department))) AS rolled
   WHERE key IS NOT NULL
   ORDER BY dimension COLLATE "C", key COLLATE "C", day
  ON CONFLICT (dimension, key, day) DO UPDATE
    SET ${ROLLUP_COLUMNS.map((c) => `${c} = case_stat_daily.${c} + EXCLUDED.${c}`).join(', ')}, updated_at = now()`;

/** The standard category tree, created when the database has no category yet. */
const CATEGORIES: [code: string, name: string, responsible: object, accept: number, complete: number][] = [
  ['city-appearance', 'City appearance', { kind: 'department', department: 'city-management' }, 2, 48],
  ['environment', 'Environment', { kind: 'level', level: 'grid' }, 2, 24],
  ['safety-hazard', 'Safety hazard', { kind: 'department', department: 'emergency' }, 1, 24],
  ['neighbour-dispute', 'Neighbour dispute', { kind: 'level', level: 'community' }, 4, 72],
  ['public-facilities', 'Public facilities', { kind: 'level', level: 'township' }, 4, 120],
];

async function syntheticAreas(db: pg.Client): Promise<void> {
  // 11 × 16 townships ≈ 176; 2,759 communities and 19,500 grids spread over them.
  await db.query(`
    INSERT INTO known_area (code, name, level, parent_code, path) VALUES ('S4401', 'Synthetic city', 'city', NULL, '{S4401}')
    ON CONFLICT DO NOTHING;
    INSERT INTO known_area (code, name, level, parent_code, path)
    SELECT 'S' || d, 'District ' || d, 'district', 'S4401', ARRAY['S4401', 'S' || d] FROM generate_series(1, 11) d ON CONFLICT DO NOTHING;
    INSERT INTO known_area (code, name, level, parent_code, path)
    SELECT 'S' || (t % 11 + 1) || '-' || t, 'Township ' || t, 'township', 'S' || (t % 11 + 1), ARRAY['S4401', 'S' || (t % 11 + 1), 'S' || (t % 11 + 1) || '-' || t]
      FROM generate_series(0, 175) t ON CONFLICT DO NOTHING;
    INSERT INTO known_area (code, name, level, parent_code, path)
    SELECT t.code || '-' || c, 'Community ' || c, 'community', t.code, t.path || (t.code || '-' || c)
      FROM generate_series(0, 2758) c JOIN (SELECT code, path, row_number() OVER (ORDER BY code) - 1 AS n FROM known_area WHERE level = 'township') t ON t.n = c % 176
    ON CONFLICT DO NOTHING;
    INSERT INTO known_area (code, name, level, parent_code, path)
    SELECT m.code || '-' || g, 'Grid ' || g, 'grid', m.code, m.path || (m.code || '-' || g)
      FROM generate_series(0, 19499) g JOIN (SELECT code, path, row_number() OVER (ORDER BY code) - 1 AS n FROM known_area WHERE level = 'community') m ON m.n = g % 2759
    ON CONFLICT DO NOTHING;`);
}

async function main(): Promise<void> {
  const db = new pg.Client({ connectionString: values.database });
  await db.connect();
  try {
    const started = performance.now();
    if (values['synthetic-areas']) await syntheticAreas(db);
    const [{ grids }] = (await db.query(`SELECT count(*)::int AS grids FROM known_area WHERE level = 'grid' AND NOT retired`)).rows;
    if (grids === 0) throw new Error('no grids in the read model: run the grid service with a seed first, or pass --synthetic-areas');
    for (const [code, name, responsible, accept, complete] of CATEGORIES) {
      await db.query(
        `INSERT INTO category (code, name, responsible, accept_hours, complete_hours, hours_kind) VALUES ($1, $2, $3, $4, $5, 'calendar') ON CONFLICT DO NOTHING`,
        [code, name, JSON.stringify(responsible), accept, complete],
      );
    }
    // Numbered arrays to pick from by index inside the INSERT … SELECT.
    await db.query(`DROP TABLE IF EXISTS seed_grid; CREATE UNLOGGED TABLE seed_grid AS
      SELECT row_number() OVER (ORDER BY code) - 1 AS n, code, path FROM known_area WHERE level = 'grid' AND NOT retired`);
    await db.query(`CREATE UNIQUE INDEX ON seed_grid (n)`);
    await db.query(`DROP TABLE IF EXISTS seed_category; CREATE UNLOGGED TABLE seed_category AS
      SELECT row_number() OVER (ORDER BY code) - 1 AS n, code, responsible, accept_hours, complete_hours FROM category WHERE NOT retired`);
    const [{ categories }] = (await db.query(`SELECT count(*)::int AS categories FROM seed_category`)).rows;
    if ((await db.query(`SELECT to_regclass('case_stat_daily') IS NULL AS missing`)).rows[0].missing) {
      throw new Error('no case_stat_daily: start the dispatch service on this database once so its migrations run');
    }
    // Earlier runs' cases keep their numbers (seed-1 …); this run's follow them.
    const [{ seeded }] = (await db.query(`SELECT count(*)::bigint AS seeded FROM "case" WHERE idempotency_scope = 'seed'`)).rows;
    const offset = Number(seeded);
    log(
      `${grids} grids, ${categories} categories, ${offset.toLocaleString('en-US')} generated cases already; ` +
        `adding ${total.toLocaleString('en-US')} closed cases over ${months} months`,
    );
    // The rollup of a chunk aggregates about a million facts into some 700,000 counters: in memory.
    await db.query(`SET work_mem = '256MB'`);

    for (let done = 0; done < total; done += chunk) {
      const size = Math.min(chunk, total - done);
      const t = performance.now();
      await db.query('BEGIN');
      // Reported at least 8 days ago: the slowest closure (120 h × 1.3 + 24 h) is then in the past too.
      await db.query(
        `WITH g AS (
           SELECT i, hashint8(i)::bigint & 2147483647 AS h,
                  now() - (((i - $7)::float8 / $3) * ($4 || ' months')::interval) - interval '8 days' AS reported_at
             FROM generate_series($1::bigint, $1::bigint + $2 - 1) AS i),
         picked AS (
           SELECT g.*, sg.code AS grid_code, sg.path, sc.code AS category_code, sc.responsible, sc.accept_hours, sc.complete_hours,
                  g.h % 100 AS roll
             FROM g
             JOIN seed_grid sg ON sg.n = g.h % $5
             JOIN seed_category sc ON sc.n = (g.h / 7) % $6),
         made AS (
           INSERT INTO "case" (id, number, idempotency_scope, idempotency_key, state, channel, category_code, description, longitude, latitude,
                               grid_code, area_path, reporter, attachments, owner_kind, owner_department, owner_level, owner_area_code,
                               accept_due_at, complete_due_at, flag, overdue_count, reopen_count, satisfaction, reported_at, assigned_at,
                               claimed_at, resolved_at, closed_at, updated_at, version)
           SELECT gen_random_uuid(), 'S' || to_char(reported_at AT TIME ZONE '${LOCAL_TIME_ZONE}', 'YYYYMMDD') || lpad(i::text, 9, '0'),
                  'seed', 'seed-' || i, 'closed',
                  (ARRAY['patrol', 'hotline-12345', 'suggestion-box', 'courier-whistle', 'department'])[1 + (h / 11) % 5],
                  category_code, 'Generated closed case', NULL, NULL, grid_code, path, NULL, '[]',
                  responsible->>'kind', responsible->>'department', responsible->>'level',
                  CASE responsible->>'level' WHEN 'grid' THEN path[5] WHEN 'community' THEN path[4] WHEN 'township' THEN path[3] WHEN 'district' THEN path[2] END,
                  reported_at + accept_hours * interval '1 hour', reported_at + complete_hours * interval '1 hour',
                  CASE WHEN roll < 4 THEN 'red' WHEN roll < 12 THEN 'yellow' END,
                  CASE WHEN roll < 4 THEN 2 WHEN roll < 12 THEN 1 ELSE 0 END,
                  CASE WHEN roll >= 95 THEN 1 ELSE 0 END,
                  CASE WHEN roll < 8 THEN 'unsatisfied' WHEN roll < 30 THEN 'basically-satisfied' ELSE 'satisfied' END,
                  reported_at, reported_at,
                  reported_at + (accept_hours * (CASE WHEN roll < 12 THEN 1.5 ELSE 0.5 END)) * interval '1 hour',
                  reported_at + (complete_hours * (CASE WHEN roll < 12 THEN 1.3 ELSE 0.6 END)) * interval '1 hour',
                  reported_at + (complete_hours * (CASE WHEN roll < 12 THEN 1.3 ELSE 0.6 END) + 24) * interval '1 hour',
                  reported_at + (complete_hours * (CASE WHEN roll < 12 THEN 1.3 ELSE 0.6 END) + 24) * interval '1 hour',
                  6
             FROM picked
           RETURNING id, area_path, owner_kind, owner_department, accept_due_at, complete_due_at, overdue_count, reopen_count,
                     satisfaction, reported_at, claimed_at, resolved_at, closed_at),
         rolled AS (${ROLLUP})
         INSERT INTO case_timeline (case_id, seq, at, actor_kind, action, from_state, to_state, reason)
         SELECT id, 1, reported_at, 'reporter', 'report', NULL, 'reported', 'generated' FROM made
         UNION ALL
         SELECT id, 2, closed_at, 'operator', 'close', 'verified', 'closed', 'generated' FROM made`,
        [offset + done + 1, size, total, months, grids, categories, offset],
      );
      await db.query('COMMIT');
      const rate = size / ((performance.now() - t) / 1000);
      log(`${(done + size).toLocaleString('en-US')} cases (${Math.round(rate).toLocaleString('en-US')}/s)`);
    }
    await db.query(`DROP TABLE seed_grid, seed_category`);
    await db.query('ANALYZE "case"; ANALYZE case_timeline; ANALYZE case_stat_daily');
    const [{ size }] = (await db.query(`SELECT pg_size_pretty(pg_database_size(current_database())) AS size`)).rows;
    process.stdout.write(
      `added ${total.toLocaleString('en-US')} closed cases in ${((performance.now() - started) / 1000).toFixed(0)} s; database now ${size}\n`,
    );
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await db.end();
  }
}

main().catch((error) => {
  log(`failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
