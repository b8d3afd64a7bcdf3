import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  GridworkError,
  subjects,
  type BurdenFigures,
  type BurdenReport,
  type BurdenReportRequest,
  type CommunityDisplay,
  type DisplayItem,
  type DisplayRequest,
  type PushRefused,
} from '@gridwork/contracts';
import { OnEvent, type EventContext } from '@gridwork/messaging';
import { LOCAL_TIME_ZONE, today } from '@gridwork/local-time';
import { GridAreasReadModel } from '@gridwork/area-read-model';
import { GateService } from '../gate/gate.service.js';

/** Longest period one report covers, in days. */
const MAX_REPORT_DAYS = 3_660;

/** The period's bounds as instants: its first day's start and the day after its last, in China time. */
const BOUNDS = `($2::date)::timestamp AT TIME ZONE '${LOCAL_TIME_ZONE}' AND $4 < (($3::date) + 1)::timestamp AT TIME ZONE '${LOCAL_TIME_ZONE}'`;
const inPeriod = (column: string) => `${column} >= ${BOUNDS.replace('$4', column)}`;

/**
 * Burden reduction (减负) in figures, read from the applications, the lists
 * and dispatch's refused pushes; sole writer of `refused_push`.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly areas: GridAreasReadModel,
    private readonly gate: GateService,
  ) {}

  @OnEvent(subjects.dispatch.push.refused)
  async onPushRefused(push: PushRefused, { em, meta }: EventContext): Promise<void> {
    await em.query(
      `INSERT INTO refused_push (event_id, report_key, at, department, category_code, item_code, level, area_code, area_path, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
      [meta.eventId, push.reportKey, push.at, push.department, push.categoryCode, push.itemCode ?? null, push.level, push.areaCode ?? null, push.areaPath, push.reason],
    );
  }

  async burden(request: BurdenReportRequest): Promise<BurdenReport> {
    if (request.to < request.from) throw GridworkError.validation([{ field: 'to', messages: ['must not be before from'] }]);
    if ((Date.parse(request.to) - Date.parse(request.from)) / 86_400_000 >= MAX_REPORT_DAYS) {
      throw GridworkError.validation([{ field: 'to', messages: [`must be within ${MAX_REPORT_DAYS} days of from`] }]);
    }
    const em = this.dataSource.manager;
    const area = await this.areas.current(em, request.areaCode);
    const period = [request.from, request.to] as const;
    const children = await this.areas.children(em, area.code);
    const byItem = await em.query<{ item_code: string; count: number }[]>(
      `SELECT coalesce(item_code, '(no item)') AS item_code, count(*)::int AS count FROM refused_push
        WHERE area_path @> ARRAY[$1::text] AND ${inPeriod('at')} GROUP BY 1 ORDER BY 2 DESC, 1`,
      [area.code, ...period],
    );
    return {
      areaCode: area.code,
      from: request.from,
      to: request.to,
      ...(await figures(em, area.code, ...period)),
      byChildArea: await Promise.all(children.map(async (child) => ({ areaCode: child.code, ...(await figures(em, child.code, ...period)) }))),
      pushesRefusedByItem: byItem.map((row) => ({ itemCode: row.item_code, count: row.count })),
    };
  }

  /** The certificate and nameplate items the gate admits at the community level in the community on the day. */
  async display(request: DisplayRequest): Promise<CommunityDisplay> {
    const em = this.dataSource.manager;
    const community = await this.areas.current(em, request.communityCode);
    if (community.level !== 'community') throw GridworkError.validation([{ field: 'communityCode', messages: [`${community.code} is a ${community.level}, not a community`] }]);
    const on = request.on ?? today();
    const candidates = await em.query<(DisplayItem & { kind: string })[]>(
      `SELECT code AS "itemCode", name, department, legal_basis AS "legalBasis", kind FROM item
        WHERE kind IN ('certificate', 'nameplate') AND 'community' = ANY (levels) ORDER BY code`,
    );
    const answers = await this.gate.answer(em, candidates.map((item) => ({ itemCode: item.itemCode, level: 'community' as const, areaCode: community.code, on })));
    const admitted = candidates.filter((_, i) => answers[i]!.admitted);
    const shown = (kind: string) => admitted.filter((item) => item.kind === kind).map(({ kind: _kind, ...item }) => item);
    return { communityCode: community.code, on, certificates: shown('certificate'), nameplates: shown('nameplate') };
  }
}

/** The figures of one area's subtree over a period. */
async function figures(em: EntityManager, areaCode: string, from: string, to: string): Promise<BurdenFigures> {
  const parameters = [areaCode, from, to];
  const [received] = await em.query<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM application WHERE area_path @> ARRAY[$1::text] AND ${inPeriod('submitted_at')}`,
    parameters,
  );
  const steps = await em.query<{ action: string; n: number }[]>(
    `SELECT s.action, count(*)::int AS n FROM application_step s JOIN application a ON a.id = s.application_id
      WHERE a.area_path @> ARRAY[$1::text] AND s.action IN ('approve', 'refuse', 'return') AND ${inPeriod('s.at')}
      GROUP BY s.action`,
    parameters,
  );
  // An entry of a list's previous published version that the version published in the period no longer has.
  const [removed] = await em.query<{ n: number }[]>(
    `SELECT count(*)::int AS n
       FROM list l JOIN known_area ka ON ka.code = l.area_code
       JOIN list_version v ON v.list_id = l.id AND v.effective_on IS NOT NULL AND ${inPeriod('v.published_at')}
       JOIN LATERAL (SELECT p.id FROM list_version p WHERE p.list_id = l.id AND p.effective_on IS NOT NULL AND p.number < v.number
                      ORDER BY p.number DESC LIMIT 1) previous ON true
       JOIN list_entry gone ON gone.version_id = previous.id
      WHERE l.kind = 'admitted' AND ka.path @> ARRAY[$1::text]
        AND NOT EXISTS (SELECT 1 FROM list_entry kept WHERE kept.version_id = v.id AND kept.item_code = gone.item_code)`,
    parameters,
  );
  const [pushes] = await em.query<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM refused_push WHERE area_path @> ARRAY[$1::text] AND ${inPeriod('at')}`,
    parameters,
  );
  const step = (action: string) => steps.find((row) => row.action === action)?.n ?? 0;
  return {
    applicationsReceived: received!.n,
    applicationsApproved: step('approve'),
    applicationsRefused: step('refuse'),
    applicationsReturned: step('return'),
    itemsRemoved: removed!.n,
    pushesRefused: pushes!.n,
  };
}
