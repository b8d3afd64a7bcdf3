import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import {
  ErrorCode,
  GridworkError,
  subjects,
  ADMISSION_LEVELS,
  type AdmissionLevel,
  type CaseOwner,
  type PushRefused,
  type PushRefusalReason,
  type CaseReported,
  type ReportCaseReply,
  type ReportCaseRequest,
} from '@gridwork/contracts';
import { outboxInsert, outboxRecordset, publishManyInTransaction } from '@gridwork/messaging';
import { localDay } from '@gridwork/local-time';
import { newId, preparedQuery } from '@gridwork/persistence';
import { PINO_LOGGER } from '@gridwork/observability';
import { CalendarService } from '../calendar/calendar.service.js';
import { deadlinesOf, type CalendarRules } from '../calendar/working-calendar.js';
import { checkAnswers } from '../categories/attributes.js';
import { CategoriesService } from '../categories/categories.service.js';
import type { CategoryRow } from '../categories/category.rows.js';
import { AdmissionListsReadModel } from '../read-models/admission-lists/admission-lists.read-model.js';
import { GridAreasReadModel } from '../read-models/grid-areas/grid-areas.read-model.js';
import { giveGridWorkers } from '../read-models/grid-workers/grid-workers.read-model.js';
import { RoutingService, ownerFor, type RoutingOutcome } from '../routing/routing.service.js';
import { assignedOf } from './case-lifecycle.js';
import { CaseNumbers } from './case-numbers.js';
import { caseOf, ownerColumns, ownerOf, type CaseRow, type TimelineLine } from './case.rows.js';
import { intakeConfig } from './intake.config.js';
import { FIRST_LINES_FROM, TIMELINE_COLUMNS, firstLinesJson } from './timeline.js';

interface Pending {
  request: ReportCaseRequest;
  department?: string;
  /** The request's answers to its category's attributes, once checked. */
  attributes?: Record<string, string | number | string[]>;
  resolve: (reply: ReportCaseReply) => void;
  reject: (error: unknown) => void;
}

/** Each report's answer as its batch is stored: undefined while it is still on its way. */
type Answer = ReportCaseReply | GridworkError | undefined;

/** Where a report is (grid, path, the grid's worker), with notes on what was not found, for its timeline. */
interface Whereabouts {
  grid: string | null;
  path: string[] | null;
  worker: string | null;
  notes: string[];
}

/** Who takes a case, and why (for its timeline). */
type Route = Pick<RoutingOutcome, 'owner' | 'explanation'>;

/** A report that passed its checks, ready to store. */
interface Prepared {
  /** The report's place in its batch. */
  index: number;
  pending: Pending;
  row: CaseRow;
  timeline: TimelineLine[];
}

/**
 * Unified intake (统一受理). Reports are gathered into batches, each stored
 * with its events by one statement (one commit), so intake is not bounded by
 * one commit per case; each report still gets its own answer, and a bad
 * report fails alone. A report whose idempotency key was seen returns the
 * original case.
 *
 * A batch makes two trips to the database: one reads where each report is
 * (grid, path, the grid's worker), one writes. Everything else it needs
 * (categories, routing rules, the calendar, case numbers) is held in memory
 * for a few seconds or reserved ahead. Reads need no transaction: each reads
 * read models only, and the write is a single atomic statement.
 */
@Injectable()
export class IntakeService {
  private readonly queue: Pending[] = [];
  private inFlight = 0;
  private readonly config = intakeConfig();

  constructor(
    private readonly dataSource: DataSource,
    private readonly categories: CategoriesService,
    private readonly areas: GridAreasReadModel,
    private readonly routing: RoutingService,
    private readonly calendar: CalendarService,
    private readonly admission: AdmissionListsReadModel,
    private readonly numbers: CaseNumbers,
    @Inject(PINO_LOGGER) private readonly log: Logger,
  ) {}

  report(request: ReportCaseRequest, department?: string): Promise<ReportCaseReply> {
    checkShape(request, department);
    return new Promise((resolve, reject) => {
      this.queue.push({ request, department, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.config.INTAKE_CONCURRENT_BATCHES && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.config.INTAKE_MAX_BATCH);
      this.inFlight++;
      void this.store(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async store(batch: Pending[]): Promise<void> {
    try {
      const answers = await this.storeBatch(this.dataSource.manager, batch);
      answers.forEach((answer, i) => (answer instanceof Error ? batch[i]!.reject(answer) : batch[i]!.resolve(answer)));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // Something failed for the batch as a whole: store each report on its own so one cannot sink the others.
      this.log.warn({ err: error, size: batch.length }, 'intake batch failed; storing its reports one by one');
      for (const pending of batch) await this.store([pending]);
    }
  }

  /**
   * Stores a batch; returns, per report, its reply or the error it alone
   * gets. Reports are checked (category, admission), located, routed and
   * numbered together, then stored in one statement; a report the insert
   * skipped is a replay, answered with the case stored before.
   */
  private async storeBatch(em: EntityManager, batch: Pending[]): Promise<(ReportCaseReply | GridworkError)[]> {
    const now = new Date();
    const answers: Answer[] = batch.map(() => undefined);
    const { fresh, firstInBatch } = firstOfEachKey(batch);
    const categories = await this.categories.cachedByCodes(em, fresh.map((i) => batch[i]!.request.categoryCode));
    const known = refuseWrongAnswers(batch, refuseUnknownCategories(batch, fresh, categories, answers), categories, answers);

    const reports = known.map((i) => batch[i]!);
    const categoryOf = known.map((i) => categories.get(batch[i]!.request.categoryCode)!);
    const where = await this.locate(em, reports, now);
    const routes = await this.route(em, reports, categoryOf, where);
    // Positions in `known` of the reports the admission gate lets through.
    const passed = await this.refuseNotAdmitted(em, known, reports, categoryOf, where, routes, answers, now);

    const rules = await this.calendar.cachedRules(em, now);
    const numbers = await this.numbers.take(passed.length, now);
    const prepared = passed.map((n, k): Prepared => {
      const row = caseRowOf(reports[n]!, categoryOf[n]!, where[n]!, routes[n]!.owner, numbers[k]!, rules, now);
      return { index: known[n]!, pending: reports[n]!, row, timeline: firstLinesOf(row, reports[n]!, where[n]!.notes, routes[n]!) };
    });

    const stored = await insertCases(em, prepared, now);
    for (const p of prepared) answers[p.index] = stored.has(p.row.id) ? { case: caseOf(p.row), created: true } : undefined;
    await answerReplays(em, batch, answers, firstInBatch);
    return answers as (ReportCaseReply | GridworkError)[];
  }

  /**
   * Admission gating (事项准入) for every way a department's task reaches a
   * community or grid: pushed down to a level, or routed to one when its
   * category is an admission item. A refused report is answered NOT_ADMITTED
   * and announced (`dispatch.push.refused`). Returns the positions of the others.
   */
  private async refuseNotAdmitted(
    em: EntityManager,
    known: number[],
    reports: Pending[],
    categories: CategoryRow[],
    where: Whereabouts[],
    routes: Route[],
    answers: Answer[],
    now: Date,
  ): Promise<number[]> {
    const checks = reports.map((pending, n) => gateCheckOf(pending, categories[n]!, routes[n]!.owner, where[n]!.path));
    const asked = checks.flatMap((check, n) => (check?.kind === 'ask' ? [n] : []));
    const day = localDay(now);
    const gateAnswers = await this.admission.answer(
      em,
      asked.map((n) => {
        const { itemCode, level, areaCode } = checks[n] as GateAsked;
        return { itemCode, level, areaCode, on: day };
      }),
    );
    const refusals = new Map<number, Refusal>();
    checks.forEach((check, n) => check?.kind === 'refuse' && refusals.set(n, check));
    asked.forEach((n, k) => {
      const answer = gateAnswers[k]!;
      if (!answer.admitted) refusals.set(n, { ...(checks[n] as GateAsked), kind: 'refuse', reason: answer.reason!, explanation: answer.explanation });
    });
    if (refusals.size === 0) return reports.map((_, n) => n);

    const nothingReceived = !(await this.admission.received(em));
    for (const [n, refusal] of refusals) {
      if (nothingReceived) refusal.explanation += ' (no admission list has been received from the admission service yet)';
      answers[known[n]!] = new GridworkError(ErrorCode.NOT_ADMITTED, refusal.explanation, [
        { field: reports[n]!.request.pushDownTo ? 'pushDownTo' : 'categoryCode', messages: [refusal.explanation] },
      ]);
    }
    await this.announceRefusals([...refusals].map(([n, refusal]) => ({ pending: reports[n]!, category: categories[n]!, refusal })), now);
    return reports.map((_, n) => n).filter((n) => !refusals.has(n));
  }

  /** `dispatch.push.refused` for each refused report, for the admission service's burden-reduction figures. */
  private async announceRefusals(refused: { pending: Pending; category: CategoryRow; refusal: Refusal }[], now: Date): Promise<void> {
    const payloads: PushRefused[] = refused.map(({ pending, category, refusal }) => ({
      department: pending.department!,
      reportKey: pending.request.idempotencyKey,
      categoryCode: category.code,
      ...(refusal.itemCode ? { itemCode: refusal.itemCode } : {}),
      level: refusal.level,
      ...(refusal.areaCode ? { areaCode: refusal.areaCode } : {}),
      areaPath: refusal.areaPath,
      reason: refusal.reason,
      explanation: refusal.explanation,
      at: now.toISOString(),
    }));
    await this.dataSource.transaction((em) => publishManyInTransaction(em, subjects.dispatch.push.refused, payloads));
  }

  /** Where: the grid from the point, else the reporter's grid; and who serves that grid. */
  private async locate(em: EntityManager, reports: Pending[], now: Date): Promise<Whereabouts[]> {
    const places = await this.areas.locateReports(em, reports.map((p) => p.request), now);
    // Only asked when a case found no grid, to say whether any grid data has arrived at all.
    let gridCount: number | undefined;
    const noGridData = async () => (gridCount ??= await this.areas.gridCount(em)) === 0;
    const where: Whereabouts[] = [];
    for (const [n, { request }] of reports.entries()) {
      const { grid, path, fromPoint, worker } = places[n]!;
      const notes: string[] = [];
      if (request.location && !fromPoint) notes.push(!grid && path ? `the point is in no known grid, inside ${path.at(-1)}` : 'the point is in no known grid');
      if (request.gridCode && !grid) notes.push(`grid ${request.gridCode} is not known here`);
      if (!grid && (await noGridData())) notes.push('no grid data has been received from the grid service yet');
      where.push({ grid, path, worker, notes });
    }
    return where;
  }

  /**
   * Who: the routing rules, or the level a department pushes the task down
   * to (the level's area takes it). A grid-level owner is the case's grid's
   * worker, found with the grid.
   */
  private async route(em: EntityManager, reports: Pending[], categories: CategoryRow[], where: Whereabouts[]): Promise<Route[]> {
    const decisions = await this.routing.decide(
      em,
      reports.map((_, n) => ({ category: categories[n]!, path: where[n]!.path })),
    );
    const routes = reports.map((pending, n): Route => {
      const level = pending.request.pushDownTo;
      const pushedDown = level && where[n]!.path ? ownerFor({ kind: 'level', level }, where[n]!.path) : undefined;
      return pushedDown ? { owner: pushedDown, explanation: `pushed down to the ${level} level by ${pending.department}` } : decisions[n]!;
    });
    giveGridWorkers(
      routes.map((route) => route.owner),
      new Map(where.flatMap((place) => (place.grid ? [[place.grid, place.worker] as const] : []))),
    );
    return routes;
  }
}

/** A report the gate is asked about: its item at the level and area it would reach. */
interface GateAsked {
  kind: 'ask';
  itemCode: string;
  level: AdmissionLevel;
  areaCode: string;
  areaPath: string[];
}

/** A report refused at the gate, with why. */
interface Refusal {
  kind: 'refuse';
  itemCode?: string;
  level: AdmissionLevel;
  areaCode?: string;
  areaPath: string[];
  reason: PushRefusalReason;
  explanation: string;
}

const GATED_LEVELS = new Set<string>(ADMISSION_LEVELS);

/**
 * What the gate must decide for a report: nothing for a resident's report,
 * or for one that reaches a department, a township or a district; a refusal
 * for a push-down whose category is no admission item or whose place is not
 * known; else the question for its item, level and area.
 */
function gateCheckOf(pending: Pending, category: CategoryRow, owner: CaseOwner | undefined, path: string[] | null): GateAsked | Refusal | undefined {
  if (!pending.department) return undefined;
  const pushDownTo = pending.request.pushDownTo;
  const reached = owner?.kind === 'level' && GATED_LEVELS.has(owner.level!) ? owner : undefined;
  if (!pushDownTo && (!reached || !category.admission_item)) return undefined;
  const level = (pushDownTo ?? reached!.level) as AdmissionLevel;
  const itemCode = category.admission_item ?? undefined;
  if (!itemCode) {
    return { kind: 'refuse', level, areaPath: [], reason: 'no-item', explanation: `category ${category.code} is not linked to an admission item, so it cannot be pushed down to the ${level} level` };
  }
  if (!reached || reached.level !== level) {
    return { kind: 'refuse', itemCode, level, areaPath: [], reason: 'unknown-area', explanation: `item ${itemCode} cannot be pushed down to the ${level} level: the task's place is in no known ${level}` };
  }
  const areaPath = path ? path.slice(0, path.indexOf(reached.areaCode!) + 1) : [];
  return { kind: 'ask', itemCode, level, areaCode: reached.areaCode!, areaPath };
}

/** The idempotency scope of a report: its department's, else its channel's. */

const scopeOf = (p: Pending) => (p.department ? `department:${p.department}` : `channel:${p.request.channel}`);
const keyOf = (p: Pending) => `${scopeOf(p)}\u0000${p.request.idempotencyKey}`;

/**
 * A key seen twice in this batch is prepared once: the reports to prepare
 * (`fresh`, indexes into the batch) and the first index of each key. Keys
 * stored before are not looked up first: replays are rare, so the insert
 * finds them (ON CONFLICT) and `answerReplays` answers them.
 */
function firstOfEachKey(batch: Pending[]): { fresh: number[]; firstInBatch: Map<string, number> } {
  const firstInBatch = new Map<string, number>();
  const fresh: number[] = [];
  batch.forEach((pending, i) => {
    const key = keyOf(pending);
    if (firstInBatch.has(key)) return;
    firstInBatch.set(key, i);
    fresh.push(i);
  });
  return { fresh, firstInBatch };
}

/** A report in an unknown or retired category is answered NOT_FOUND or VALIDATION_FAILED. Returns the others. */
function refuseUnknownCategories(batch: Pending[], fresh: number[], categories: Map<string, CategoryRow>, answers: Answer[]): number[] {
  for (const i of fresh) {
    const category = categories.get(batch[i]!.request.categoryCode);
    if (!category) answers[i] = GridworkError.notFound(`category ${batch[i]!.request.categoryCode}`);
    else if (category.retired) answers[i] = GridworkError.validation([{ field: 'categoryCode', messages: [`category ${category.code} is retired`] }]);
  }
  return fresh.filter((i) => answers[i] === undefined);
}

/** A report whose answers do not fit its category's attributes is answered VALIDATION_FAILED naming each; the others keep their checked answers. */
function refuseWrongAnswers(batch: Pending[], known: number[], categories: Map<string, CategoryRow>, answers: Answer[]): number[] {
  for (const i of known) {
    const pending = batch[i]!;
    const { kept, problems } = checkAnswers(categories.get(pending.request.categoryCode)!.attributes ?? [], pending.request.attributes);
    if (problems.length > 0) answers[i] = GridworkError.validation(problems);
    else pending.attributes = kept;
  }
  return known.filter((i) => answers[i] === undefined);
}

/** A new case's row: assigned with its deadlines when routing found an owner, else reported, for the dispatcher. */
function caseRowOf(
  pending: Pending,
  category: CategoryRow,
  { grid, path }: Whereabouts,
  owner: CaseOwner | undefined,
  number: string,
  rules: CalendarRules,
  now: Date,
): CaseRow {
  const request = pending.request;
  return {
    id: newId(),
    number,
    idempotency_scope: scopeOf(pending),
    idempotency_key: request.idempotencyKey,
    state: owner ? 'assigned' : 'reported',
    channel: request.channel,
    category_code: category.code,
    description: request.description,
    longitude: request.location?.longitude ?? null,
    latitude: request.location?.latitude ?? null,
    address: request.address ?? null,
    grid_code: grid,
    area_path: path ?? [],
    reporter: request.reporter ?? null,
    attachments: request.attachments ?? [],
    attributes: pending.attributes ?? null,
    reporting_department: pending.department ?? null,
    push_down_to: request.pushDownTo ?? null,
    ...ownerColumns(owner),
    accept_due_at: null,
    complete_due_at: null,
    flag: null,
    overdue_count: 0,
    reopen_count: 0,
    satisfaction: null,
    duplicate_of: null,
    occurred_at: request.occurredAt ? new Date(request.occurredAt) : null,
    reported_at: now,
    assigned_at: owner ? now : null,
    claimed_at: null,
    resolved_at: null,
    closed_at: null,
    updated_at: now,
    version: 1,
    ...(owner ? deadlinesOf(rules, category, now) : {}),
  };
}

/** A new case's first timeline lines: reported (with the notes on where), then accepted and assigned, or left for the dispatcher. */
function firstLinesOf(row: CaseRow, pending: Pending, notes: string[], { owner, explanation }: Route): TimelineLine[] {
  const { id, reported_at: at } = row;
  const request = pending.request;
  const reporter = pending.department
    ? { actorKind: 'department' as const, actorId: pending.department }
    : { actorKind: 'reporter' as const, actorId: request.reporter?.workerId ?? request.reporter?.volunteerId, actorName: request.reporter?.name };
  const timeline: TimelineLine[] = [
    { caseId: id, at, ...reporter, action: 'report', toState: 'reported', reason: notes.length ? notes.join('; ') : undefined, data: { channel: request.channel } },
  ];
  if (owner) {
    timeline.push(
      { caseId: id, at, actorKind: 'system', action: 'accept', fromState: 'reported', toState: 'accepted', reason: 'accepted at intake' },
      { caseId: id, at, actorKind: 'system', action: 'assign', fromState: 'accepted', toState: 'assigned', reason: explanation, data: { owner } },
    );
  } else {
    timeline.push({ caseId: id, at, actorKind: 'system', action: 'route', reason: `left for the dispatcher: ${explanation}` });
  }
  return timeline;
}

/**
 * A replay (its key was stored before, perhaps by another replica just now),
 * or a key twice in this batch: answered with the stored case, even where the
 * report itself would now be refused (a category retired since). A key
 * nobody stored keeps its own error, or its first report's.
 */
async function answerReplays(em: EntityManager, batch: Pending[], answers: Answer[], firstInBatch: Map<string, number>): Promise<void> {
  const unanswered = batch.map((_, i) => i).filter((i) => answers[i] === undefined || answers[i] instanceof GridworkError);
  if (unanswered.length === 0) return;
  const byKey = await storedCases(em, unanswered.map((i) => batch[i]!));
  for (const i of unanswered) {
    const row = byKey.get(keyOf(batch[i]!));
    const first = answers[firstInBatch.get(keyOf(batch[i]!))!];
    if (row) answers[i] = { case: caseOf(row), created: false };
    else if (answers[i] === undefined) answers[i] = first instanceof GridworkError ? first : new GridworkError(ErrorCode.CONFLICT, 'the report could not be stored; send it again');
  }
}

/** The stored cases of these reports' keys, by key. */
async function storedCases(em: EntityManager, pendings: Pending[]): Promise<Map<string, CaseRow>> {
  const rows = await preparedQuery<CaseRow>(
    em,
    'intake-find-replays',
    // One index probe per key, whatever the plan cached for this prepared statement thinks of the
    // table's size: LIMIT keeps the lookup from being flattened into a join that may scan it all.
    `SELECT c.* FROM unnest($1::text[], $2::text[]) AS k(scope, key)
       CROSS JOIN LATERAL (SELECT * FROM "case" WHERE idempotency_scope = k.scope AND idempotency_key = k.key LIMIT 1) c`,
    [pendings.map(scopeOf), pendings.map((p) => p.request.idempotencyKey)],
  );
  return new Map(rows.map((row) => [`${row.idempotency_scope}\u0000${row.idempotency_key}`, row]));
}

function reportedOf(row: CaseRow): CaseReported {
  const owner = ownerOf(row);
  return {
    caseId: row.id,
    number: row.number,
    state: row.state,
    channel: row.channel,
    categoryCode: row.category_code,
    ...(row.grid_code ? { gridCode: row.grid_code } : {}),
    areaPath: row.area_path,
    ...(owner ? { owner } : {}),
    ...(row.reporting_department ? { reportingDepartment: row.reporting_department } : {}),
    reportedAt: row.reported_at.toISOString(),
  };
}

/** Checks that need no database: where it is, and what only a department may do. */
function checkShape(request: ReportCaseRequest, department?: string): void {
  const problems: { field: string; messages: string[] }[] = [];
  if (!request.location && !request.address && !request.gridCode) {
    problems.push({ field: 'location', messages: ['give a location, an address or the reporter’s gridCode'] });
  }
  if (request.channel === 'department' && !department) {
    problems.push({ field: 'channel', messages: ['channel department is for department systems, which report on gov.ext.<department>.dispatch.case.report'] });
  }
  if (request.pushDownTo && !department) {
    problems.push({ field: 'pushDownTo', messages: ['only a department system pushes tasks down to a level'] });
  }
  if (problems.length > 0) throw GridworkError.validation(problems);
}

/**
 * Inserts new cases with their first timeline lines and their events
 * (`case.reported`, and `case.assigned` when intake found an owner), in one
 * statement; a key another replica stored meanwhile is skipped, with its
 * lines and events. Returns the ids of the cases stored.
 */
async function insertCases(em: EntityManager, prepared: Prepared[], now: Date): Promise<Set<string>> {
  if (prepared.length === 0) return new Set();
  const rows = prepared.map((p) => p.row);
  const events = await outboxRecordset([
    { event: subjects.dispatch.case.reported, events: rows.map((row) => ({ payload: reportedOf(row), about: row.id })) },
    {
      event: subjects.dispatch.case.assigned,
      events: rows.filter((row) => row.owner_kind).map((row) => ({ payload: assignedOf(row, now), about: row.id })),
    },
  ]);
  // Only the columns intake knows are written; the others (e.g. the timers') keep their defaults.
  const columns = Object.keys(rows[0]!).join(', ');
  const stored = await preparedQuery<{ id: string }>(
    em,
    'intake-insert-cases',
    `WITH inserted AS (
       INSERT INTO "case" (${columns})
       SELECT ${columns} FROM jsonb_populate_recordset(NULL::"case", $1::jsonb)
       ON CONFLICT (idempotency_scope, idempotency_key) DO NOTHING
       RETURNING id),
     lines AS (
       INSERT INTO case_timeline (${TIMELINE_COLUMNS})
       SELECT ${TIMELINE_COLUMNS} FROM ${FIRST_LINES_FROM('$2')} WHERE l.case_id IN (SELECT id FROM inserted)),
     events AS (${outboxInsert('$3', 'e.about::uuid IN (SELECT id FROM inserted)')})
     SELECT id FROM inserted`,
    [JSON.stringify(rows), firstLinesJson(prepared.flatMap((p) => p.timeline)), events],
  );
  return new Set(stored.map((row) => row.id));
}
