import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  DEFAULT_REPORT_IN_HOURS,
  ErrorCode,
  GridworkError,
  subjects,
  type BlowWhistleRequest,
  type ListWhistlesRequest,
  type ReportInRequest,
  type Whistle,
  type WhistleBlower,
  type WhistleCallState,
  type WhistleList,
} from '@gridwork/contracts';
import { publishInTransaction } from '@gridwork/messaging';
import { newId } from '@gridwork/persistence';
import { CalendarService } from '../calendar/calendar.service.js';
import { assertWithinActorsAreas, lockCase, type CaseRow } from '../cases/case.rows.js';
import { appendTimeline } from '../cases/timeline.js';
import { publishNotice } from '../notices/notices.js';

/** The states in which the grid or community is still working a case, so a whistle makes sense. */
const WHISTLE_STATES = ['assigned', 'in-progress', 'reopened'];
const WHISTLE_LEVELS = ['grid', 'community'];

interface WhistleRow {
  id: string;
  case_id: string;
  case_number: string;
  blown_by: WhistleBlower;
  level: 'grid' | 'community';
  area_code: string;
  reason: string;
  blown_at: Date;
  calls: Array<{ department: string; due_at: string; reported_in_at: string | null; reported_in_note: string | null; missed_at: string | null }>;
}

interface CallRow {
  whistle_id: string;
  department: string;
  due_at: Date;
  reported_in_at: Date | null;
  missed_at: Date | null;
}

/**
 * Whether a department may read a case: it owns it or owned it before, reported it, or a
 * whistle on it called the department to report in.
 */
export async function departmentMayRead(
  em: EntityManager,
  row: Pick<CaseRow, 'id' | 'owner_department' | 'reporting_department'>,
  department: string,
): Promise<boolean> {
  if (row.owner_department === department || row.reporting_department === department) return true;
  // Called by a whistle, or owned before (a case handed back, reassigned or escalated away stays readable to it).
  const [involved] = await em.query<unknown[]>(
    `SELECT 1 FROM whistle w JOIN whistle_call c ON c.whistle_id = w.id WHERE w.case_id = $1 AND c.department = $2
     UNION ALL
     SELECT 1 FROM case_timeline t
      WHERE t.case_id = $1 AND ((t.actor_kind = 'department' AND t.actor_id = $2) OR t.data->'owner'->>'department' = $2)
     LIMIT 1`,
    [row.id, department],
  );
  return involved !== undefined;
}

const iso = (value: string | Date | null): string | undefined => (value === null ? undefined : new Date(value).toISOString());

function callStateOf(call: { due_at: string | Date; reported_in_at: string | Date | null; missed_at: string | Date | null }): WhistleCallState {
  if (call.reported_in_at !== null) return new Date(call.reported_in_at) > new Date(call.due_at) ? 'reported-in-late' : 'reported-in';
  return call.missed_at !== null ? 'missed' : 'waiting';
}

function whistleOf(row: WhistleRow): Whistle {
  return {
    id: row.id,
    caseId: row.case_id,
    caseNumber: row.case_number,
    blownBy: row.blown_by,
    level: row.level,
    areaCode: row.area_code,
    reason: row.reason,
    blownAt: row.blown_at.toISOString(),
    calls: row.calls.map((call) => {
      const out: Whistle['calls'][number] = { department: call.department, dueAt: iso(call.due_at)!, state: callStateOf(call) };
      if (call.reported_in_at) out.reportedInAt = iso(call.reported_in_at);
      if (call.reported_in_note) out.reportedInNote = call.reported_in_note;
      if (call.missed_at) out.missedAt = iso(call.missed_at);
      return out;
    }),
  };
}

/** Whistles with their calls (departments in code order), oldest first. */
async function readWhistles(em: EntityManager, where: string, param: string): Promise<Whistle[]> {
  const rows = await em.query<WhistleRow[]>(
    `SELECT w.id, w.case_id, k.number AS case_number, w.blown_by, w.level, w.area_code, w.reason, w.blown_at,
            (SELECT jsonb_agg(jsonb_build_object('department', c.department, 'due_at', c.due_at, 'reported_in_at', c.reported_in_at,
                                                 'reported_in_note', c.reported_in_note, 'missed_at', c.missed_at) ORDER BY c.department)
               FROM whistle_call c WHERE c.whistle_id = w.id) AS calls
       FROM whistle w JOIN "case" k ON k.id = w.case_id
      WHERE ${where} = $1
      ORDER BY w.blown_at, w.id`,
    [param],
  );
  return rows.map(whistleOf);
}

/** A whistle is blown by the grid or community owning a case it is working (a grid worker only on a case given to them). */
function assertMayBlow(row: CaseRow, blownBy: WhistleBlower): void {
  if (row.owner_kind !== 'level' || !WHISTLE_LEVELS.includes(row.owner_level!)) {
    const owner = row.owner_kind === 'department' ? `the department ${row.owner_department}` : row.owner_kind ? `the ${row.owner_level} level` : 'nobody';
    throw new GridworkError(ErrorCode.CONFLICT, `case ${row.number} is owned by ${owner}: only a grid or community owning a case blows the whistle`);
  }
  if (!WHISTLE_STATES.includes(row.state)) {
    throw new GridworkError(ErrorCode.CONFLICT, `case ${row.number} is ${row.state}: a whistle is blown only on a case that is ${WHISTLE_STATES.join(', ')}`);
  }
  if (blownBy.kind === 'worker' && row.owner_worker_id && row.owner_worker_id !== blownBy.id) {
    throw new GridworkError(ErrorCode.FORBIDDEN, `case ${row.number} is given to another worker`);
  }
}

/**
 * Locks the call a report-in answers: on the whistle named, or the latest
 * whistle on the case that calls the department, unanswered ones first. The
 * case is locked first, as every change to a case locks it: report-ins and
 * the deadline poller never cross.
 */
async function lockCall(em: EntityManager, request: ReportInRequest, department: string): Promise<{ row: CaseRow; call: CallRow }> {
  let caseId = request.caseId;
  if (request.whistleId) {
    const [whistle] = await em.query<{ case_id: string }[]>(`SELECT case_id FROM whistle WHERE id = $1`, [request.whistleId]);
    if (!whistle) throw GridworkError.notFound(`whistle ${request.whistleId}`);
    caseId = whistle.case_id;
  }
  const row = await lockCase(em, caseId!);
  const [call] = await em.query<CallRow[]>(
    `SELECT c.whistle_id, c.department, c.due_at, c.reported_in_at, c.missed_at
       FROM whistle_call c JOIN whistle w ON w.id = c.whistle_id
      WHERE c.department = $1 AND ${request.whistleId ? 'w.id = $2' : 'w.case_id = $2'}
      ORDER BY c.reported_in_at IS NULL DESC, w.blown_at DESC, w.id DESC
      LIMIT 1
      FOR UPDATE OF c`,
    [department, request.whistleId ?? caseId],
  );
  if (!call) {
    const which = request.whistleId ? `whistle ${request.whistleId}` : `no whistle on case ${row.number}`;
    throw new GridworkError(ErrorCode.FORBIDDEN, request.whistleId ? `${which} does not call ${department}` : `${which} calls ${department}`);
  }
  return { row, call };
}

/**
 * Whistle and report-in (吹哨报到). A whistle is blown on a case owned at the
 * grid or community level; each department it names must report in by its
 * deadline. Every step is a line in the case's timeline and an event, and
 * each called department gets a `whistled` notice in the same transaction.
 */
@Injectable()
export class WhistlesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly calendar: CalendarService,
  ) {}

  blow(request: BlowWhistleRequest): Promise<Whistle> {
    if (request.actor.kind === 'reporter') {
      throw new GridworkError(ErrorCode.FORBIDDEN, 'a whistle is blown by the grid or community working the case, not by its reporter');
    }
    const blownBy: WhistleBlower = { kind: request.actor.kind, id: request.actor.id, ...(request.actor.name ? { name: request.actor.name } : {}) };
    return this.dataSource.transaction(async (em) => {
      const row = await lockCase(em, request.caseId);
      assertWithinActorsAreas(row, request.actor);
      assertMayBlow(row, blownBy);
      const now = new Date();
      const hours = request.reportInHours ?? DEFAULT_REPORT_IN_HOURS;
      const due = await this.calendar.deadline(em, now, hours, request.hoursKind ?? 'calendar');
      const id = newId();
      const departments = [...request.departments].sort();
      await em.query(
        `INSERT INTO whistle (id, case_id, blown_by, level, area_code, reason, blown_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [id, row.id, JSON.stringify(blownBy), row.owner_level, row.owner_area_code, request.reason, now],
      );
      await em.query(`INSERT INTO whistle_call (whistle_id, department, due_at) SELECT $1, unnest($2::text[]), $3`, [id, departments, due]);
      await appendTimeline(em, [
        {
          caseId: row.id,
          at: now,
          actorKind: blownBy.kind,
          actorId: blownBy.id,
          actorName: blownBy.name,
          action: 'whistle',
          reason: request.reason,
          data: { whistleId: id, departments, reportInDueAt: due.toISOString() },
        },
      ]);
      const [whistle] = await readWhistles(em, 'w.id', id);
      await publishInTransaction(em, subjects.dispatch.whistle.blown, { whistle: whistle! });
      for (const department of departments) {
        await publishNotice(em, {
          department,
          kind: 'whistled',
          caseId: row.id,
          caseNumber: row.number,
          categoryCode: row.category_code,
          at: now.toISOString(),
          whistleId: id,
          dueAt: due.toISOString(),
          reason: request.reason,
        });
      }
      return whistle!;
    });
  }

  /**
   * A called department reports in, on the whistle named or on the latest
   * whistle on the case that calls it and it has not answered. After its
   * deadline it still may: the report-in is recorded as late, the miss stays.
   */
  reportIn(request: ReportInRequest, department: string | undefined): Promise<Whistle> {
    if (!department) {
      throw new GridworkError(ErrorCode.FORBIDDEN, 'a department reports in from its own system, over gov.ext.<department>.dispatch.case.report-in');
    }
    if ((request.whistleId === undefined) === (request.caseId === undefined)) {
      throw GridworkError.validation([{ field: 'whistleId', messages: ['give either whistleId or caseId'] }]);
    }
    return this.dataSource.transaction(async (em) => {
      const { row, call } = await lockCall(em, request, department);
      if (call.reported_in_at) {
        throw new GridworkError(ErrorCode.CONFLICT, `${department} already reported in to whistle ${call.whistle_id} at ${call.reported_in_at.toISOString()}`);
      }
      const now = new Date();
      const late = now > call.due_at;
      await em.query(`UPDATE whistle_call SET reported_in_at = $3, reported_in_note = $4 WHERE whistle_id = $1 AND department = $2`, [
        call.whistle_id,
        department,
        now,
        request.note,
      ]);
      await appendTimeline(em, [
        {
          caseId: row.id,
          at: now,
          actorKind: 'department',
          actorId: department,
          action: 'report-in',
          reason: request.note,
          data: { whistleId: call.whistle_id, dueAt: call.due_at.toISOString(), late },
        },
      ]);
      await publishInTransaction(em, subjects.dispatch.whistle.reportedIn, {
        whistleId: call.whistle_id,
        caseId: row.id,
        caseNumber: row.number,
        department,
        dueAt: call.due_at.toISOString(),
        reportedInAt: now.toISOString(),
        note: request.note,
        late,
      });
      const [whistle] = await readWhistles(em, 'w.id', call.whistle_id);
      return whistle!;
    });
  }

  async list(request: ListWhistlesRequest, department: string | undefined): Promise<WhistleList> {
    const em = this.dataSource.manager;
    const [row] = await em.query<CaseRow[]>(`SELECT id, number, owner_department, reporting_department FROM "case" WHERE id = $1`, [request.caseId]);
    if (!row) throw GridworkError.notFound(`case ${request.caseId}`);
    if (department && !(await departmentMayRead(em, row, department))) {
      throw new GridworkError(ErrorCode.FORBIDDEN, `case ${row.number} is neither owned nor reported by ${department}, and no whistle on it calls ${department}`);
    }
    return { items: await readWhistles(em, 'w.case_id', row.id) };
  }
}
