import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ErrorCode, GridworkError, liesWithin } from '@gridwork/contracts';

/**
 * The caller's scope, kept by the grid service itself. A request that is
 * about a place carries `withinAreas` when a person acts through the
 * gateway (an area admin's community, a grid worker's grid); the gateway
 * checks the same before it forwards, and grid checks again here, so that
 * a caller that reaches grid some other way, or a gateway that got a route
 * wrong, still cannot act outside the person's areas. Without
 * `withinAreas` (the platform's own callers) nothing is checked.
 *
 * Each check reads the one row it needs, by its key. It runs before the
 * change, outside the change's transaction: what it reads (where an area
 * sits, a worker's community, a record's grid) is moved only by a platform
 * admin, never by a scoped caller.
 */
@Injectable()
export class CallerAreas {
  constructor(private readonly dataSource: DataSource) {}

  /** FORBIDDEN unless the area or grid `code` lies inside one of `within`. */
  async area(within: readonly string[] | undefined, code: string | undefined, what: string): Promise<void> {
    if (!within) return;
    if (code === undefined) throw outside(within, `the request names no ${what}, and a caller who acts within areas must name one inside them`);
    const [row] = await this.dataSource.query<{ path: string[] }[]>(`SELECT path FROM area WHERE code = $1`, [code]);
    if (!row) throw GridworkError.notFound(`area ${code}`);
    if (!liesWithin(row.path, within)) throw outside(within, `${what} ${code} lies outside them`);
  }

  /** FORBIDDEN unless the worker's community lies inside one of `within`. */
  async worker(within: readonly string[] | undefined, workerId: string): Promise<void> {
    if (!within) return;
    const [row] = await this.dataSource.query<{ community_code: string | null }[]>(`SELECT community_code FROM worker WHERE id = $1`, [workerId]);
    if (!row) throw GridworkError.notFound(`worker ${workerId}`);
    if (row.community_code === null) throw outside(within, `worker ${workerId} belongs to no community, so to none of them`);
    await this.area(within, row.community_code, `worker ${workerId}'s community`);
  }

  /** FORBIDDEN unless the base record's grid lies inside one of `within`. */
  async baseRecord(within: readonly string[] | undefined, id: string): Promise<void> {
    if (!within) return;
    const [row] = await this.dataSource.query<{ grid_code: string }[]>(`SELECT grid_code FROM base_record WHERE id = $1`, [id]);
    if (!row) throw GridworkError.notFound(`base record ${id}`);
    await this.area(within, row.grid_code, `base record ${id}'s grid`);
  }
}

const outside = (within: readonly string[], why: string): GridworkError =>
  new GridworkError(ErrorCode.FORBIDDEN, `the caller acts within ${within.join(', ')}: ${why}`);
