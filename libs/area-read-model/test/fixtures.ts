/** An area a test seeds: its code, level and parent (null for the city). */
export type SeededArea = [code: string, level: string, parent: string | null];

/**
 * The tests' small city, as admission's and org's tests seed it:
 *
 *   C (city) ─ D1 (district) ─ T1 (township) ─ M1 (community) ─ G11, G12 (grids)
 *                                           └ M2 (community) ─ G21
 *            └ D2 (district) ─ T2 (township) ─ M3 (community) ─ G31
 */
export const TEST_CITY: readonly SeededArea[] = [
  ['C', 'city', null],
  ['D1', 'district', 'C'],
  ['D2', 'district', 'C'],
  ['T1', 'township', 'D1'],
  ['T2', 'township', 'D2'],
  ['M1', 'community', 'T1'],
  ['M2', 'community', 'T1'],
  ['M3', 'community', 'T2'],
  ['G11', 'grid', 'M1'],
  ['G12', 'grid', 'M1'],
  ['G21', 'grid', 'M2'],
  ['G31', 'grid', 'M3'],
];

/**
 * Seeds a service's `known_area` directly, as another module's data (in
 * production grid's events fill it): each area named `Area <code>`, with its
 * path from the city worked out from the parents, which come first.
 */
export async function seedKnownAreas(
  world: { query(db: string, sql: string, params?: unknown[]): Promise<unknown> },
  db: string,
  areas: readonly SeededArea[],
): Promise<void> {
  const paths = new Map<string, string[]>();
  for (const [code, , parent] of areas) paths.set(code, [...(parent ? paths.get(parent)! : []), code]);
  await world.query(
    db,
    `INSERT INTO known_area (code, name, level, parent_code, path)
     SELECT code, 'Area ' || code, level, parent, string_to_array(path, ',') FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS a(code, level, parent, path)`,
    [areas.map((a) => a[0]), areas.map((a) => a[1]), areas.map((a) => a[2]), areas.map((a) => paths.get(a[0])!.join(','))],
  );
}
