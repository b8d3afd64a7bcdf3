import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  AREA_LEVELS,
  GridworkError,
  type CaseOwner,
  type ListRoutingRulesRequest,
  type RemoveRoutingRuleRequest,
  type RemovedRoutingRule,
  type ResolveRoutingRequest,
  type Responsibility,
  type ResponseLevel,
  type RoutingDecision,
  type RoutingRule,
  type RoutingRulePage,
  type SetRoutingRuleRequest,
} from '@gridwork/contracts';
import { newId, pageOf } from '@gridwork/persistence';
import { ShortLivedMap } from '../common/short-lived.js';
import { GridAreasReadModel } from '../read-models/grid-areas/grid-areas.read-model.js';
import { CategoriesService } from '../categories/categories.service.js';
import type { CategoryRow } from '../categories/category.rows.js';
import { assertResponsibility } from '../categories/responsibility.js';
import { GridWorkersReadModel } from '../read-models/grid-workers/grid-workers.read-model.js';

interface RuleRow {
  id: string;
  category_code: string;
  area_code: string | null;
  responsible: Responsibility;
  note: string | null;
  updated_at: Date;
}

const ruleOf = (row: RuleRow): RoutingRule => ({
  id: row.id,
  categoryCode: row.category_code,
  ...(row.area_code ? { areaCode: row.area_code } : {}),
  responsible: row.responsible,
  ...(row.note ? { note: row.note } : {}),
  updatedAt: row.updated_at.toISOString(),
});

/** `environment.garbage.bulky` → [`environment.garbage.bulky`, `environment.garbage`, `environment`]. */
const categoryLineOf = (code: string): string[] => code.split('.').map((_, i, parts) => parts.slice(0, parts.length - i).join('.'));

/** What routing needs of a case: its category and, when known, its grid's path from the city down. */
export interface RoutingInput {
  category: CategoryRow;
  path: string[] | null;
}

/** Routing by responsibility: rules over category × area, the most specific winning. */
/** Who takes a case and why (for its timeline), and the rule that said so; no owner leaves it for the dispatcher. */
export interface RoutingOutcome {
  owner?: CaseOwner;
  ruleId?: string;
  explanation: string;
}

@Injectable()
export class RoutingService {
  /** The rules of each category code, as intake reads them: at most every few seconds (see `ShortLivedMap`). */
  private readonly rules = new ShortLivedMap<string, RuleRow[]>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly categories: CategoriesService,
    private readonly areas: GridAreasReadModel,
    readonly workers: GridWorkersReadModel,
  ) {}

  async setRule(request: SetRoutingRuleRequest): Promise<RoutingRule> {
    const responsible = assertResponsibility(request.responsible, 'responsible');
    const rule = await this.dataSource.transaction(async (em) => {
      if (!(await this.categories.byCodes(em, [request.categoryCode])).has(request.categoryCode)) {
        throw GridworkError.notFound(`category ${request.categoryCode}`);
      }
      if (request.areaCode && !(await this.areas.areas(em, [request.areaCode])).has(request.areaCode)) {
        throw GridworkError.notFound(`area ${request.areaCode} (dispatch knows ${await this.areas.gridCount(em)} grids from the grid service)`);
      }
      const [row] = await em.query<RuleRow[]>(
        `INSERT INTO routing_rule (id, category_code, area_code, responsible, note) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (category_code, area_code) DO UPDATE SET responsible = EXCLUDED.responsible, note = EXCLUDED.note, updated_at = now()
         RETURNING *`,
        [newId(), request.categoryCode, request.areaCode ?? null, JSON.stringify(responsible), request.note ?? null],
      );
      return ruleOf(row!);
    });
    this.rules.drop();
    return rule;
  }

  async removeRule(request: RemoveRoutingRuleRequest): Promise<RemovedRoutingRule> {
    // TypeORM answers a DELETE with [rows, affected count].
    const [removed] = await this.dataSource.query(`DELETE FROM routing_rule WHERE id::text = $1 RETURNING id`, [request.id]);
    if (removed.length === 0) throw GridworkError.notFound(`routing rule ${request.id}`);
    this.rules.drop();
    return { id: request.id };
  }

  async listRules(request: ListRoutingRulesRequest): Promise<RoutingRulePage> {
    const limit = request.limit ?? 100;
    const rows = await this.dataSource.query<RuleRow[]>(
      `SELECT * FROM routing_rule WHERE ($1::text IS NULL OR category_code = $1) AND id::text > $2 ORDER BY id LIMIT $3`,
      [request.categoryCode ?? null, request.after ?? '', limit + 1],
    );
    return pageOf(rows, limit, (row) => row.id, ruleOf);
  }

  async resolve(request: ResolveRoutingRequest): Promise<RoutingDecision> {
    const em = this.dataSource.manager;
    const category = (await this.categories.byCodes(em, [request.categoryCode])).get(request.categoryCode);
    if (!category) throw GridworkError.notFound(`category ${request.categoryCode}`);
    const grid = (await this.areas.areas(em, [request.gridCode])).get(request.gridCode);
    if (!grid) throw GridworkError.notFound(`grid ${request.gridCode} (dispatch knows ${await this.areas.gridCount(em)} grids from the grid service)`);
    const [decision] = await this.decide(em, [{ category, path: grid.path }]);
    if (!decision!.owner) throw GridworkError.notFound(decision!.explanation);
    await this.workers.addWorkers(em, [decision!.owner], new Date());
    return decision as RoutingDecision;
  }

  /** Decides owners for many cases with the rules as intake reads them; the caller adds grids' workers (`workers.addWorkers`) to the owners it keeps. */
  async decide(em: EntityManager, inputs: RoutingInput[]): Promise<RoutingOutcome[]> {
    const byCategory = await this.rules.getMany(
      inputs.flatMap((input) => categoryLineOf(input.category.code)),
      async (codes) => {
        const rows = await em.query<RuleRow[]>(`SELECT * FROM routing_rule WHERE category_code = ANY ($1)`, [codes]);
        return new Map(codes.map((code) => [code, rows.filter((row) => row.category_code === code)]));
      },
    );
    const decisions = inputs.map(({ category, path }): RoutingOutcome => {
      const line = categoryLineOf(category.code);
      const onPath = (code: string | null) => code === null || (path?.includes(code) ?? false);
      const best = line
        .flatMap((code) => byCategory.get(code)!)
        .filter((rule) => onPath(rule.area_code))
        .sort((a, b) => depth(path, b.area_code) - depth(path, a.area_code) || b.category_code.length - a.category_code.length)[0];
      const responsible = best?.responsible ?? category.responsible;
      const why = best ? `rule ${best.id} (${best.category_code} in ${best.area_code ?? 'the whole city'})` : `category ${category.code}`;
      const owner = ownerFor(responsible, path);
      if (!owner) {
        return { explanation: `${why} gives the case to the ${responsible.level} level, but the case has no known ${responsible.level} (no grid)` };
      }
      return { owner, ...(best ? { ruleId: best.id } : {}), explanation: why };
    });
    return decisions;
  }
}

/** How deep an area sits on the path (the whole city being 0). */
function depth(path: string[] | null, code: string | null): number {
  return code === null || !path ? 0 : path.indexOf(code) + 1;
}

/**
 * A responsibility made concrete for a case: a level becomes the area at that
 * level on the case's path. Paths run city → district → township → community
 * → grid (the grid service keeps each parent exactly one level up), so a
 * level's area is found by position.
 */
export function ownerFor(responsible: Responsibility, path: string[] | null): CaseOwner | undefined {
  if (responsible.kind === 'department') return { kind: 'department', department: responsible.department! };
  const areaCode = areaAtLevel(path, responsible.level!);
  return areaCode ? { kind: 'level', level: responsible.level!, areaCode } : undefined;
}

export function areaAtLevel(path: string[] | null, level: ResponseLevel): string | undefined {
  return path?.[AREA_LEVELS.indexOf(level)];
}
