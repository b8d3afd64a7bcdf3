import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ErrorCode, GridworkError, liesWithin, type CaseDetail, type CasePage, type GetCaseRequest, type ListCasesRequest, type ListTimelineRequest, type TimelinePage } from '@gridwork/contracts';
import { NewestFirst } from '../common/newest-first.js';
import { caseOf, type CaseRow } from './case.rows.js';
import { entryOf, readTimeline, readTimelineWindow } from './timeline.js';
import { departmentMayRead } from '../whistles/whistles.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DISPATCHER_QUEUE = ['reported', 'accepted', 'handed-back'];

/** Reading cases: one with its timeline, or pages of them by queue, owner and area. */
@Injectable()
export class CaseQueriesService {
  constructor(private readonly dataSource: DataSource) {}

  async get(request: GetCaseRequest, department?: string): Promise<CaseDetail> {
    const column = UUID.test(request.idOrNumber) ? 'id' : 'number';
    // One snapshot, so the case and its timeline agree while timers and callers change it.
    return this.dataSource.transaction('REPEATABLE READ', async (em) => {
      const [row] = await em.query<CaseRow[]>(`SELECT * FROM "case" WHERE ${column} = $1`, [request.idOrNumber]);
      if (!row) throw GridworkError.notFound(`case ${request.idOrNumber}`);
      if (request.withinAreas && !liesWithin(row.area_path, request.withinAreas)) {
        throw new GridworkError(ErrorCode.FORBIDDEN, `case ${row.number} lies outside ${request.withinAreas.join(', ')}, the reader's areas`);
      }
      // A department sees the cases it owns, owned or reported, or that a whistle called it to (吹哨报到); nobody else's.
      if (department && !(await departmentMayRead(em, row, department))) {
        throw new GridworkError(ErrorCode.FORBIDDEN, `case ${row.number} is neither owned (now or before) nor reported by ${department}, and no whistle on it calls ${department}`);
      }
      return { ...caseOf(row), timeline: await readTimeline(em, row.id) };
    });
  }

  async list(request: ListCasesRequest, department?: string): Promise<CasePage> {
    if (department && request.ownerDepartment && request.ownerDepartment !== department) {
      throw GridworkError.validation([{ field: 'ownerDepartment', messages: [`a department system lists only its own cases (${department})`] }]);
    }
    const states = request.queue === 'dispatcher' ? DISPATCHER_QUEUE.filter((s) => !request.states || request.states.includes(s as never)) : request.states;
    const cases = new NewestFirst('"case"');
    if (states) cases.where('state = ANY (?)', states);
    const ownerDepartment = department ?? request.ownerDepartment;
    if (ownerDepartment) cases.where('owner_department = ?', ownerDepartment);
    if (request.ownerAreaCode) cases.where('owner_area_code = ?', request.ownerAreaCode);
    if (request.ownerWorkerId) cases.where('owner_worker_id = ?', request.ownerWorkerId);
    if (request.areaCode) cases.where('area_path @> ARRAY[?::text]', request.areaCode);
    if (request.withinAreas) cases.where('area_path && ?::text[]', request.withinAreas);
    if (request.flag) cases.where('flag = ?', request.flag);
    if (request.categoryCode) cases.where(`starts_with(category_code || '.', ? || '.')`, request.categoryCode);
    if (request.reportedFrom) cases.where('reported_at >= ?', request.reportedFrom);
    if (request.reportedTo) cases.where('reported_at < ?', request.reportedTo);
    return cases.page(this.dataSource.manager, request, caseOf);
  }

  /** Lines of every case in a window, oldest first; the cursor is the last line's exact time, case and number. */
  async timeline(request: ListTimelineRequest): Promise<TimelinePage> {
    const to = request.to ?? new Date().toISOString();
    if (Date.parse(to) <= Date.parse(request.from)) throw GridworkError.validation([{ field: 'to', messages: ['to must be after from'] }]);
    const limit = request.limit ?? 100;
    const [micros, caseId, seq] = request.after?.split('.') ?? [];
    const rows = await readTimelineWindow(this.dataSource.manager, {
      from: request.from,
      to,
      stateChangesOnly: request.stateChangesOnly ?? false,
      ...(request.after ? { after: { micros: micros!, caseId: caseId!, seq: Number(seq) } } : {}),
      limit: limit + 1,
    });
    const items = rows.slice(0, limit).map((row) => ({ ...entryOf(row), caseId: row.case_id, caseNumber: row.case_number, categoryCode: row.category_code, state: row.state }));
    const last = rows.length > limit ? rows[limit - 1]! : undefined;
    return last ? { items, nextAfter: `${last.at_micros}.${last.case_id}.${last.seq}` } : { items };
  }
}
