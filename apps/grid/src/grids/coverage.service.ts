import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { GridworkError, type CheckCoverageRequest, type CoverageGap, type CoverageReport } from '@gridwork/contracts';
import { bboxOf, roundBbox } from '../spatial/boundaries.js';

interface PieceRow {
  area: number;
  bbox: number[];
}

/** Overlap and gap checks between a community's grids (sibling grids must tile their community). */
@Injectable()
export class CoverageService {
  constructor(private readonly dataSource: DataSource) {}

  async check(request: CheckCoverageRequest): Promise<CoverageReport> {
    const tolerance = request.toleranceSquareMetres ?? 1;
    const [community] = await this.dataSource.query(`SELECT level, boundary IS NOT NULL AS has_boundary FROM area WHERE code = $1`, [request.communityCode]);
    if (!community) throw GridworkError.notFound(`area ${request.communityCode}`);
    if (community.level !== 'community') {
      throw GridworkError.validation([{ field: 'communityCode', messages: [`${request.communityCode} is a ${community.level}, not a community`] }]);
    }
    const grids = `SELECT code, boundary FROM area WHERE parent_code = $1 AND level = 'grid' AND retired_at IS NULL`;
    const overlaps = await this.dataSource.query<{ first: string; second: string; area: number; bbox: number[] }[]>(
      `WITH grids AS (${grids}),
            pair AS (SELECT x.code AS first, y.code AS second, ST_Intersection(x.boundary, y.boundary) AS geom
                       FROM grids x JOIN grids y ON x.code < y.code AND ST_Intersects(x.boundary, y.boundary))
       SELECT first, second, ST_Area(geom::geography) AS area, ${bboxOf('geom')} AS bbox FROM pair
        WHERE ST_Area(geom::geography) > $2 ORDER BY first, second`,
      [request.communityCode, tolerance],
    );
    const [{ count }] = await this.dataSource.query(`SELECT count(*)::int AS count FROM (${grids}) g`, [request.communityCode]);
    const pieces = async (difference: string): Promise<CoverageGap[]> => {
      const rows = await this.dataSource.query<PieceRow[]>(
        `WITH grids AS (${grids}),
              joined AS (SELECT ST_Union(boundary) AS geom FROM grids),
              community AS (SELECT boundary AS geom FROM area WHERE code = $1),
              piece AS (SELECT (ST_Dump(${difference})).geom AS geom FROM community, joined)
         SELECT ST_Area(geom::geography) AS area, ${bboxOf('geom')} AS bbox FROM piece
          WHERE ST_Area(geom::geography) > $2 ORDER BY 1 DESC`,
        [request.communityCode, tolerance],
      );
      return rows.map((row) => ({ areaSquareMetres: Math.round(row.area * 100) / 100, bbox: roundBbox(row.bbox)! }));
    };
    const hasBoundary = community.has_boundary as boolean;
    return {
      communityCode: request.communityCode,
      grids: count,
      overlaps: overlaps.map((o) => ({ first: o.first, second: o.second, areaSquareMetres: Math.round(o.area * 100) / 100, bbox: roundBbox(o.bbox)! })),
      // With no grid at all, the whole community is the gap.
      gaps: hasBoundary ? await pieces('ST_Difference(community.geom, COALESCE(joined.geom, ST_GeomFromText(\'POLYGON EMPTY\', 4326)))') : [],
      outside: hasBoundary && count > 0 ? await pieces('ST_Difference(joined.geom, community.geom)') : [],
      communityHasBoundary: hasBoundary,
    };
  }
}
