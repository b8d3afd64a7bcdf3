import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ErrorCode,
  GridworkError,
  subjects,
  type Boundary,
  type GetNetworkGridRequest,
  type MapNetworkGridRequest,
  type Network,
  type NetworkGrid,
  type NetworkGridsOfBaseGridReply,
  type NetworkGridsOfBaseGridRequest,
} from '@gridwork/contracts';
import { publishInTransaction, publishManyInTransaction } from '@gridwork/messaging';
import { assertGridExists, isActiveGrid } from '../grid-lookups/active-grid.js';
import { assertValidBoundary, boundaryFromGeoJson } from '../spatial/boundaries.js';

/** A network grid maps onto a base grid it covers by at least this share of the base grid's area. */
const COVERED_SHARE = 0.5;

/** Many networks into one: specialized grids mapped onto base grids, queried both ways. */
@Injectable()
export class NetworksService {
  constructor(private readonly dataSource: DataSource) {}

  async map(request: MapNetworkGridRequest): Promise<NetworkGrid> {
    if ((request.baseGridCodes === undefined) === (request.boundary === undefined)) {
      const message = 'send exactly one of baseGridCodes and boundary';
      throw GridworkError.validation([
        { field: 'baseGridCodes', messages: [message] },
        { field: 'boundary', messages: [message] },
      ]);
    }
    return this.dataSource.transaction(async (em) => {
      let baseGridCodes: string[];
      if (request.boundary) {
        await assertValidBoundary(em, request.boundary, 'boundary');
        baseGridCodes = await coveredGrids(em, request.boundary);
      } else {
        baseGridCodes = [...new Set(request.baseGridCodes!)].sort();
        await shareLockActiveGrids(em, baseGridCodes);
      }
      await em.query(
        `INSERT INTO network_grid (network, code, name, boundary) VALUES ($1, $2, $3, ${request.boundary ? boundaryFromGeoJson('$4::text') : 'NULL'})
         ON CONFLICT (network, code) DO UPDATE SET name = EXCLUDED.name, boundary = EXCLUDED.boundary, updated_at = now()`,
        [request.network, request.code, request.name, ...(request.boundary ? [JSON.stringify(request.boundary)] : [])],
      );
      await em.query(`DELETE FROM network_grid_mapping WHERE network = $1 AND code = $2`, [request.network, request.code]);
      await em.query(`INSERT INTO network_grid_mapping (network, code, grid_code) SELECT $1, $2, unnest($3::text[])`, [request.network, request.code, baseGridCodes]);
      const grid: NetworkGrid = { network: request.network, code: request.code, name: request.name, baseGridCodes };
      await publishInTransaction(em, subjects.grid.networkGrid.mapped, grid);
      return grid;
    });
  }

  async get(request: GetNetworkGridRequest): Promise<NetworkGrid> {
    const grid = await networkGrid(this.dataSource.manager, request.network, request.code);
    if (!grid) throw GridworkError.notFound(`${request.network} grid ${request.code}`);
    return grid;
  }

  async ofBaseGrid(request: NetworkGridsOfBaseGridRequest): Promise<NetworkGridsOfBaseGridReply> {
    await assertGridExists(this.dataSource.manager, request.gridCode);
    const items = await this.dataSource.query(
      `SELECT n.network, n.code, n.name FROM network_grid_mapping m JOIN network_grid n USING (network, code)
        WHERE m.grid_code = $1 AND ($2::text IS NULL OR n.network = $2) ORDER BY n.network, n.code`,
      [request.gridCode, request.network ?? null],
    );
    return { gridCode: request.gridCode, items };
  }

  /**
   * After a split or merge, specialized grids mapped onto the retired grids
   * are mapped onto their successors instead, and announced again.
   */
  async moveMappings(em: EntityManager, from: string[], to: string[]): Promise<void> {
    // TypeORM answers a DELETE with [rows, affected count].
    const [moved] = await em.query<[{ network: Network; code: string }[], number]>(
      `DELETE FROM network_grid_mapping WHERE grid_code = ANY ($1) RETURNING network, code`,
      [from],
    );
    const affected = [...new Map(moved.map((row) => [`${row.network}/${row.code}`, row])).values()];
    if (affected.length === 0) return;
    await em.query(
      `INSERT INTO network_grid_mapping (network, code, grid_code)
       SELECT m.network, m.code, g FROM unnest($1::text[], $2::text[]) AS m(network, code) CROSS JOIN unnest($3::text[]) AS g
       ON CONFLICT DO NOTHING`,
      [affected.map((row) => row.network), affected.map((row) => row.code), to],
    );
    const grids: NetworkGrid[] = [];
    for (const { network, code } of affected) {
      const grid = await networkGrid(em, network, code);
      if (!grid) throw new GridworkError(ErrorCode.INTERNAL, `${network} grid ${code} vanished while moving its mapping`);
      grids.push(grid);
    }
    await publishManyInTransaction(em, subjects.grid.networkGrid.mapped, grids);
  }
}

/** The active base grids a boundary covers by at least COVERED_SHARE of their area, share-locked like named ones. */
async function coveredGrids(em: EntityManager, boundary: Boundary): Promise<string[]> {
  const rows = await em.query<{ code: string }[]>(
    `WITH b AS (SELECT ${boundaryFromGeoJson('$1::text')} AS geom)
     SELECT a.code FROM area a, b
      WHERE ${isActiveGrid('a')} AND a.boundary && b.geom
        AND ST_Area(ST_Intersection(a.boundary, b.geom)) >= $2 * ST_Area(a.boundary)
      ORDER BY a.code
        FOR SHARE OF a`,
    [JSON.stringify(boundary), COVERED_SHARE],
  );
  return rows.map((row) => row.code);
}

/** Named base grids must exist and be active; share locks keep a split or merge from retiring them until the mapping is stored. */
async function shareLockActiveGrids(em: EntityManager, codes: string[]): Promise<void> {
  const rows = await em.query<{ code: string; retired_at: Date | null }[]>(`SELECT code, retired_at FROM area WHERE level = 'grid' AND code = ANY ($1) FOR SHARE`, [codes]);
  const missing = codes.filter((code) => !rows.some((row) => row.code === code));
  if (missing.length > 0) throw GridworkError.notFound(`base grid ${missing.join(', ')}`);
  const retired = rows.filter((row) => row.retired_at).map((row) => row.code);
  if (retired.length > 0) throw GridworkError.validation([{ field: 'baseGridCodes', messages: [`grid ${retired.join(', ')} is retired`] }]);
}

async function networkGrid(em: EntityManager, network: string, code: string): Promise<NetworkGrid | undefined> {
  const [row] = await em.query(
    `SELECT n.network, n.code, n.name, COALESCE(array_agg(m.grid_code ORDER BY m.grid_code) FILTER (WHERE m.grid_code IS NOT NULL), '{}') AS "baseGridCodes"
       FROM network_grid n LEFT JOIN network_grid_mapping m USING (network, code)
      WHERE n.network = $1 AND n.code = $2 GROUP BY n.network, n.code, n.name`,
    [network, code],
  );
  return row;
}
