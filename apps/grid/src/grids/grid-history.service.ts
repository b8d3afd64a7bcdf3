import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { assertGridExists } from '../grid-lookups/active-grid.js';
import type { GridHistoryReply, GridHistoryRequest } from '@gridwork/contracts';

/** A grid's lineage: the splits and merges it came from and went into, followed both ways. */
@Injectable()
export class GridHistoryService {
  constructor(private readonly dataSource: DataSource) {}

  async of(request: GridHistoryRequest): Promise<GridHistoryReply> {
    await assertGridExists(this.dataSource.manager, request.code);
    const rows = await this.dataSource.query<{ id: string; kind: 'split' | 'merge'; from_codes: string[]; to_codes: string[]; reason: string; at: Date }[]>(
      `WITH RECURSIVE related(code) AS (
         SELECT $1::text
         UNION
         SELECT unnest(l.from_codes || l.to_codes) FROM grid_lineage l JOIN related r ON r.code = ANY (l.from_codes || l.to_codes))
       SELECT * FROM grid_lineage WHERE from_codes && (SELECT array_agg(code) FROM related) ORDER BY at, id`,
      [request.code],
    );
    return {
      code: request.code,
      entries: rows.map((row) => ({ id: row.id, kind: row.kind, from: row.from_codes, to: row.to_codes, reason: row.reason, at: row.at.toISOString() })),
    };
  }
}
