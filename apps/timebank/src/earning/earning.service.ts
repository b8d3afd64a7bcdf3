import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ErrorCode,
  GridworkError,
  subjects,
  type AwardDeedRequest,
  type CaseClosed,
  type DefineEarningRuleRequest,
  type EarningKind,
  type EarningRule,
  type EarningRuleList,
  type ListEarningRulesRequest,
  type PointsAward,
} from '@gridwork/contracts';
import { OnEvent, publishInTransaction, type EventContext } from '@gridwork/messaging';
import { PINO_LOGGER } from '@gridwork/observability';
import { compact, newId } from '@gridwork/persistence';
import { GridAreasReadModel } from '@gridwork/area-read-model';
import { LedgerService } from '../ledger/ledger.service.js';
import { digestOf } from '../ledger/ledger.rows.js';
import { VolunteersService, assertWithin } from '../volunteers/volunteers.service.js';
import type { VolunteerRow } from '../volunteers/volunteer.rows.js';

interface RuleRow {
  id: string;
  area_code: string;
  area_path: string[];
  kind: EarningKind;
  deed_code: string | null;
  points: number;
  cap: number | null;
  cap_period: EarningRule['capPeriod'] | null;
  outcomes: EarningRule['outcomes'] | null;
  expires_after_days: number | null;
  active: boolean;
}

interface AwardRow {
  id: string;
  rule_id: string;
  volunteer_id: string;
  kind: EarningKind;
  points: number;
  reference: string;
  digest: string | null;
  awarded_at: Date;
  expires_at: Date | null;
  expired_points: number | null;
}

const ruleOf = (row: RuleRow): EarningRule =>
  compact<EarningRule>({
    id: row.id,
    areaCode: row.area_code,
    kind: row.kind,
    deedCode: row.deed_code ?? undefined,
    points: row.points,
    cap: row.cap ?? undefined,
    capPeriod: row.cap_period ?? undefined,
    outcomes: row.outcomes ?? undefined,
    expiresAfterDays: row.expires_after_days ?? undefined,
    active: row.active,
  });

const awardOf = (row: AwardRow): PointsAward =>
  compact<PointsAward>({
    id: row.id,
    volunteerId: row.volunteer_id,
    ruleId: row.rule_id,
    kind: row.kind,
    points: row.points,
    reference: row.reference,
    awardedAt: row.awarded_at.toISOString(),
    expiresAt: row.expires_at?.toISOString(),
    expiredPoints: row.expired_points ?? undefined,
  });

/** Closures a courier-whistle rule counts when it names none. */
const DEFAULT_OUTCOMES = ['satisfied', 'basically-satisfied'];
/** The platform's own hand, for what a rule does by itself (its transfers are the rule's effect, not a person's write). */
const RULE_ACTOR = { id: 'earning-rule' };

/**
 * Earning rules and awards: sole writer of `earning_rule` and
 * `points_award`. An award is made in the transaction of its cause (a
 * verification, a deed, a consumed dispatch event): the nearest active rule
 * on the area's path applies, its cap is counted under a lock per rule and
 * volunteer, and the points move from the rule's area pool through the
 * ledger.
 */
@Injectable()
export class EarningService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly areas: GridAreasReadModel,
    private readonly ledger: LedgerService,
    private readonly volunteers: VolunteersService,
    @Inject(PINO_LOGGER) private readonly log: Logger,
  ) {}

  define(request: DefineEarningRuleRequest): Promise<EarningRule> {
    const wrong: { field: string; messages: string[] }[] = [];
    if ((request.kind === 'deed') !== (request.deedCode !== undefined)) wrong.push({ field: 'deedCode', messages: ['deedCode is given for a deed rule, and only for one'] });
    if ((request.cap === undefined) !== (request.capPeriod === undefined)) wrong.push({ field: request.cap === undefined ? 'cap' : 'capPeriod', messages: ['cap and capPeriod go together'] });
    if (request.outcomes && request.kind !== 'courier-whistle') wrong.push({ field: 'outcomes', messages: ['outcomes are only for a courier-whistle rule'] });
    if (wrong.length) throw GridworkError.validation(wrong);
    return this.dataSource.transaction(async (em) => {
      const area = await this.areas.current(em, request.areaCode);
      assertWithin(area.path, request.actor, `area ${request.areaCode}`);
      const [row] = await em.query<RuleRow[]>(
        `INSERT INTO earning_rule (id, area_code, area_path, kind, deed_code, points, cap, cap_period, outcomes, active, defined_by, expires_after_days)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (id) DO UPDATE SET points = EXCLUDED.points, cap = EXCLUDED.cap, cap_period = EXCLUDED.cap_period, outcomes = EXCLUDED.outcomes,
           expires_after_days = EXCLUDED.expires_after_days,
           active = EXCLUDED.active, defined_by = EXCLUDED.defined_by, updated_at = now()
           WHERE earning_rule.area_code = EXCLUDED.area_code AND earning_rule.kind = EXCLUDED.kind AND earning_rule.deed_code IS NOT DISTINCT FROM EXCLUDED.deed_code
         RETURNING *`,
        [request.id, request.areaCode, area.path, request.kind, request.deedCode ?? null, request.points, request.cap ?? null, request.capPeriod ?? null, request.outcomes ?? null, request.active ?? true, request.actor.id, request.expiresAfterDays ?? null],
      );
      if (!row) throw new GridworkError(ErrorCode.CONFLICT, `earning rule ${request.id} is for another area, kind or deed; define a new rule`);
      return ruleOf(row);
    });
  }

  async list(request: ListEarningRulesRequest): Promise<EarningRuleList> {
    const area = await this.areas.current(this.dataSource.manager, request.areaCode);
    const rows = await this.dataSource.query<RuleRow[]>(`SELECT * FROM earning_rule WHERE area_code = ANY ($1::text[]) ORDER BY cardinality(area_path), kind, deed_code, id`, [area.path]);
    return { items: rows.map(ruleOf) };
  }

  /** A good deed: the nearest deed rule of its kind gives its points, within the cap. */
  awardDeed(request: AwardDeedRequest): Promise<PointsAward> {
    return this.dataSource.transaction(async (em) => {
      const digest = digestOf('points.award-deed', { volunteerId: request.volunteerId, deedCode: request.deedCode, areaCode: request.areaCode, description: request.description });
      const [repeat] = await em.query<AwardRow[]>(`SELECT * FROM points_award WHERE id = $1`, [request.id]);
      if (repeat) {
        if (repeat.digest !== digest) throw new GridworkError(ErrorCode.CONFLICT, `award ${request.id} was already made by a command with other content; a new command needs a new id`);
        return awardOf(repeat);
      }
      const volunteer = await this.volunteers.volunteer(em, request.volunteerId);
      if (!volunteer) throw GridworkError.notFound(`volunteer ${request.volunteerId}`);
      const path = request.areaCode ? (await this.areas.current(em, request.areaCode)).path : volunteer.home_path;
      assertWithin(path, request.actor, `area ${path[path.length - 1]}`);
      const award = await this.award(em, { id: request.id, volunteer, kind: 'deed', deedCode: request.deedCode, path, units: 1, reference: `deed:${request.id}`, digest });
      if (!award) throw GridworkError.notFound(`a deed rule for ${request.deedCode} in ${path[path.length - 1]} or above`);
      return award;
    });
  }

  /** Verified service minutes earn the nearest service-hour rule's points per whole hour (none when there is no rule). */
  forServiceHours(em: EntityManager, volunteer: VolunteerRow, path: string[], minutes: number, reference: string): Promise<PointsAward | undefined> {
    return this.award(em, { id: newId(), volunteer, kind: 'service-hour', path, units: Math.floor(minutes / 60), reference });
  }

  /**
   * A courier's whistle report (a case of channel courier-whistle with the
   * reporter's volunteer id) that dispatch closed with an outcome the rule
   * counts earns the rule's points, once per case. A duplicate, a closure
   * the rule does not count, or a reporter who is not a volunteer here
   * earns nothing.
   */
  @OnEvent(subjects.dispatch.case.closed)
  async onCaseClosed({ case: closed }: CaseClosed, { em }: EventContext): Promise<void> {
    const volunteerId = closed.reporter?.volunteerId;
    if (closed.channel !== 'courier-whistle' || !volunteerId || closed.duplicateOf) return;
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(volunteerId)) return;
    const volunteer = await this.volunteers.volunteer(em, volunteerId);
    if (!volunteer) {
      this.log.info({ caseId: closed.id, volunteerId }, 'a courier whistle report closed for someone who is not a registered volunteer; no points');
      return;
    }
    const rule = await this.nearestRule(em, 'courier-whistle', undefined, closed.areaPath);
    if (!rule || !closed.satisfaction || !(rule.outcomes ?? DEFAULT_OUTCOMES).includes(closed.satisfaction)) return;
    await this.award(em, { id: newId(), volunteer, kind: 'courier-whistle', path: closed.areaPath, units: 1, reference: `case:${closed.id}`, rule });
  }

  private async award(
    em: EntityManager,
    a: { id: string; volunteer: VolunteerRow; kind: EarningKind; deedCode?: string; path: string[]; units: number; reference: string; digest?: string; rule?: RuleRow },
  ): Promise<PointsAward | undefined> {
    const rule = a.rule ?? (await this.nearestRule(em, a.kind, a.deedCode, a.path));
    if (!rule || a.units < 1) return undefined;
    // One award per rule, volunteer and cause: a cause counted again (a case closed twice) earns nothing more.
    const [done] = await em.query<AwardRow[]>(`SELECT * FROM points_award WHERE rule_id = $1 AND volunteer_id = $2 AND reference = $3`, [rule.id, a.volunteer.id, a.reference]);
    if (done) return awardOf(done);
    // The cap is counted under a lock per rule and volunteer, so two awards at once cannot both fit under it.
    await em.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`earning:${rule.id}:${a.volunteer.id}`]);
    const [{ period, earned }] = (await em.query<{ period: Date | null; earned: number }[]>(
      `SELECT p.period, (SELECT coalesce(sum(points), 0)::int FROM points_award WHERE rule_id = $1 AND volunteer_id = $2 AND period_start = p.period) AS earned
         FROM (SELECT CASE WHEN $3::text IS NULL THEN NULL ELSE date_trunc($3::text, now() AT TIME ZONE 'Asia/Shanghai') END AS period) p`,
      [rule.id, a.volunteer.id, rule.cap_period],
    )) as [{ period: Date | null; earned: number }];
    const points = Math.max(0, Math.min(rule.points * a.units, rule.cap === null ? Infinity : rule.cap - earned));
    let transferId: string | null = null;
    if (points > 0) {
      const pool = await this.ledger.organizationAccount(em, 'community', rule.area_code, rule.area_code, 'points', RULE_ACTOR);
      transferId = (
        await this.ledger.transferIn(em, { id: a.id, debitAccountId: pool, creditAccountId: a.volunteer.points_account_id, amount: points, code: 'earning-rule', reference: a.reference, actor: RULE_ACTOR })
      ).id;
    }
    const [row] = await em.query<AwardRow[]>(
      `INSERT INTO points_award (id, rule_id, volunteer_id, kind, points, reference, period_start, transfer_id, digest, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CASE WHEN $5 > 0 AND $10::int IS NOT NULL THEN now() + make_interval(days => $10::int) END) RETURNING *`,
      [a.id, rule.id, a.volunteer.id, a.kind, points, a.reference, period, transferId, a.digest ?? null, rule.expires_after_days],
    );
    const award = awardOf(row!);
    if (points > 0) await publishInTransaction(em, subjects.timebank.points.earned, { award, areaCode: rule.area_code });
    return award;
  }

  /**
   * Lapses the points of awards whose time is up, as the timer finds them
   * (`FOR UPDATE SKIP LOCKED`, so replicas share the work and each award
   * lapses once): as much of the award as the volunteer still has available
   * goes back to the rule's pool by an `expiry` transfer. Returns how many
   * awards lapsed.
   */
  async expireDue(em: EntityManager, now: Date, batch: number): Promise<number> {
    const due = await em.query<(AwardRow & { area_code: string; points_account_id: string })[]>(
      `SELECT a.*, r.area_code, v.points_account_id FROM points_award a JOIN earning_rule r ON r.id = a.rule_id JOIN volunteer v ON v.id = a.volunteer_id
        WHERE a.expires_at <= $1 AND a.expired_points IS NULL ORDER BY a.expires_at LIMIT $2 FOR UPDATE OF a SKIP LOCKED`,
      [now, batch],
    );
    for (const award of due) {
      const pool = await this.ledger.organizationAccount(em, 'community', award.area_code, award.area_code, 'points', RULE_ACTOR);
      // Both accounts locked (in id order) before reading what is left, so the amount is what the transfer will find.
      await this.ledger.lock(em, [pool, award.points_account_id]);
      const account = (await this.ledger.findAccount(em, award.points_account_id))!;
      const lapsing = Math.max(0, Math.min(award.points, account.available));
      let transferId: string | null = null;
      if (lapsing > 0) {
        transferId = (
          await this.ledger.transferIn(em, { id: newId(), debitAccountId: award.points_account_id, creditAccountId: pool, amount: lapsing, code: 'expiry', reference: `award:${award.id}`, actor: RULE_ACTOR })
        ).id;
      }
      await em.query(`UPDATE points_award SET expired_points = $2, expiry_transfer_id = $3 WHERE id = $1`, [award.id, lapsing, transferId]);
    }
    return due.length;
  }

  /** The active rule of this kind (and deed) of the nearest area on the path, from the bottom up. */
  private async nearestRule(em: EntityManager, kind: EarningKind, deedCode: string | undefined, path: string[]): Promise<RuleRow | undefined> {
    const [row] = await em.query<RuleRow[]>(
      `SELECT * FROM earning_rule WHERE active AND kind = $1 AND deed_code IS NOT DISTINCT FROM $2 AND area_code = ANY ($3::text[])
        ORDER BY cardinality(area_path) DESC LIMIT 1`,
      [kind, deedCode ?? null, path],
    );
    return row;
  }
}
