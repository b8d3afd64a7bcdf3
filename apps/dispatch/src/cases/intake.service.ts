import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import {
  ErrorCode,
  GridworkError,
  subjects,
  type AdmissionLevel,
  type CaseOwner,
  type CaseReported,
  type ReportCaseReply,
  type ReportCaseRequest,
} from '@gridwork/contracts';
import { outboxInsert, outboxRecordset } from '@gridwork/messaging';
import { newId, preparedQuery } from '@gridwork/persistence';
import { PINO_LOGGER } from '@gridwork/observability';
import { AdmissionListsReadModel } from '../read-models/admission-lists/admission-lists.read-model.js';
import { GridAreasReadModel } from '../read-models/grid-areas/grid-areas.read-model.js';
import { CalendarService } from '../calendar/calendar.service.js';
import { deadlinesOf } from '../calendar/working-calendar.js';
import { CategoriesService } from '../categories/categories.service.js';
import { RoutingService, ownerFor } from '../routing/routing.service.js';
import { giveGridWorkers } from '../read-models/grid-workers/grid-workers.read-model.js';
import { assignedOf } from './case-lifecycle.js';
import { CaseNumbers } from './case-numbers.js';
import { caseOf, ownerColumns, ownerOf, type CaseRow, type TimelineLine } from './case.rows.js';
import { intakeConfig } from './intake.config.js';
import { FIRST_LINES_FROM, TIMELINE_COLUMNS, firstLinesJson } from './timeline.js';


interface Pending {
  request: ReportCaseRequest;
  department?: string;
  resolve: (reply: ReportCaseReply) => void;
  reject: (error: unknown) => void;
}

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

  /** Stores a batch; returns, per report, its reply or the error it alone gets. */
  private async storeBatch(em: EntityManager, batch: Pending[]): Promise<(ReportCaseReply | GridworkError)[]> {
    const now = new Date();
    const answers: (ReportCaseReply | GridworkError | undefined)[] = batch.map(() => undefined);
    const scopeOf = (p: Pending) => (p.department ? `department:${p.department}` : `channel:${p.request.channel}`);
    const keyOf = (p: Pending) => `${scopeOf(p)}\u0000${p.request.idempotencyKey}`;

    /** The stored cases of these reports' keys, by key. */
    const storedCases = async (pendings: Pending[]): Promise<Map<string, CaseRow>> => {
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
    };

    // A key seen twice in this batch is prepared once. Keys stored before are not looked up first: replays
    // are rare, so the insert finds them (ON CONFLICT) and they are answered with the stored case below.
    const firstInBatch = new Map<string, number>();
    const fresh: number[] = [];
    batch.forEach((pending, i) => {
      const key = keyOf(pending);
      if (firstInBatch.has(key)) return;
      firstInBatch.set(key, i);
      fresh.push(i);
    });

    const categories = await this.categories.cachedByCodes(em, fresh.map((i) => batch[i]!.request.categoryCode));
    for (const i of fresh) {
      const category = categories.get(batch[i]!.request.categoryCode);
      if (!category) answers[i] = GridworkError.notFound(`category ${batch[i]!.request.categoryCode}`);
      else if (category.retired) answers[i] = GridworkError.validation([{ field: 'categoryCode', messages: [`category ${category.code} is retired`] }]);
    }
    let live = fresh.filter((i) => answers[i] === undefined);

    // Admission gating for tasks a department pushes down.
    const pushes = live.filter((i) => batch[i]!.request.pushDownTo);
    const refusals = await this.admission.refusals(
      em,
      pushes.map((i) => ({ item: categories.get(batch[i]!.request.categoryCode)!.admission_item, level: batch[i]!.request.pushDownTo as AdmissionLevel })),
      now,
    );
    pushes.forEach((i, n) => {
      if (refusals[n]) answers[i] = new GridworkError(ErrorCode.NOT_ADMITTED, refusals[n]!);
    });
    live = live.filter((i) => answers[i] === undefined);

    // Where: the grid from the point, else the reporter's grid; and who serves that grid.
    const places = await this.areas.locateReports(em, live.map((i) => batch[i]!.request), now);
    // Only asked when a case found no grid, to say whether any grid data has arrived at all.
    let gridCount: number | undefined;
    const noGridData = async () => (gridCount ??= await this.areas.gridCount(em)) === 0;
    const where: { grid: string | null; path: string[] | null; notes: string[] }[] = [];
    for (const [n, i] of live.entries()) {
      const { location, gridCode } = batch[i]!.request;
      const { grid, path, fromPoint } = places[n]!;
      const notes: string[] = [];
      if (location && !fromPoint) notes.push('the point is in no known grid');
      if (gridCode && !grid) notes.push(`grid ${gridCode} is not known here`);
      if (!grid && (await noGridData())) notes.push('no grid data has been received from the grid service yet');
      where.push({ grid, path, notes });
    }

    // Who: the routing rules, or a pushed-down level.
    const decisions = await this.routing.decide(
      em,
      live.map((i, n) => ({ category: categories.get(batch[i]!.request.categoryCode)!, path: where[n]!.path })),
    );
    const rules = await this.calendar.cachedRules(em, now);

    // A department pushing a task down names the level; the level's area (and a grid's worker) takes it.
    const pushedDown = live.map((i, n) => {
      const level = batch[i]!.request.pushDownTo;
      return level && where[n]!.path ? ownerFor({ kind: 'level', level }, where[n]!.path) : undefined;
    });
    // A grid-level owner is the case's grid's worker, found with the grid.
    giveGridWorkers(
      live.map((_, n) => pushedDown[n] ?? decisions[n]!.owner),
      new Map(places.flatMap((place) => (place.grid ? [[place.grid, place.worker] as const] : []))),
    );
    const numbers = await this.numbers.take(live.length, now);

    const prepared: Prepared[] = live.map((i, n) => {
      const pending = batch[i]!;
      const request = pending.request;
      const category = categories.get(request.categoryCode)!;
      const { grid, path, notes } = where[n]!;
      let owner: CaseOwner | undefined = decisions[n]!.owner;
      let explanation = decisions[n]!.explanation;
      if (pushedDown[n]) {
        owner = pushedDown[n];
        explanation = `pushed down to the ${request.pushDownTo} level by ${pending.department}`;
      }
      const id = newId();
      const row: CaseRow = {
        id,
        number: numbers[n]!,
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
      const reporter = pending.department
        ? { actorKind: 'department' as const, actorId: pending.department }
        : { actorKind: 'reporter' as const, actorId: request.reporter?.workerId ?? request.reporter?.volunteerId, actorName: request.reporter?.name };
      const timeline: TimelineLine[] = [
        { caseId: id, at: now, ...reporter, action: 'report', toState: 'reported', reason: notes.length ? notes.join('; ') : undefined, data: { channel: request.channel } },
      ];
      if (owner) {
        timeline.push(
          { caseId: id, at: now, actorKind: 'system', action: 'accept', fromState: 'reported', toState: 'accepted', reason: 'accepted at intake' },
          { caseId: id, at: now, actorKind: 'system', action: 'assign', fromState: 'accepted', toState: 'assigned', reason: explanation, data: { owner } },
        );
      } else {
        timeline.push({ caseId: id, at: now, actorKind: 'system', action: 'route', reason: `left for the dispatcher: ${explanation}` });
      }
      return { index: i, pending, row, timeline };
    });

    const stored = await insertCases(em, prepared, now);
    for (const p of prepared) answers[p.index] = stored.has(p.row.id) ? { case: caseOf(p.row), created: true } : undefined;
    // A replay (its key was stored before, perhaps by another replica just now), or a key twice in this batch:
    // answered with the stored case, even where the report itself would now be refused (a category retired since).
    const unanswered = batch.map((_, i) => i).filter((i) => answers[i] === undefined || answers[i] instanceof GridworkError);
    if (unanswered.length > 0) {
      const byKey = await storedCases(unanswered.map((i) => batch[i]!));
      for (const i of unanswered) {
        const row = byKey.get(keyOf(batch[i]!));
        const first = answers[firstInBatch.get(keyOf(batch[i]!))!];
        if (row) answers[i] = { case: caseOf(row), created: false };
        else if (answers[i] === undefined) answers[i] = first instanceof GridworkError ? first : new GridworkError(ErrorCode.CONFLICT, 'the report could not be stored; send it again');
      }
    }
    return answers as (ReportCaseReply | GridworkError)[];
  }
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
