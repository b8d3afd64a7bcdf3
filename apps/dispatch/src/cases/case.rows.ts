import type { EntityManager } from 'typeorm';
import { compact } from '@gridwork/persistence';
import { ErrorCode, GridworkError, liesWithin, type Attachment, type Case, type CaseOwner, type CaseState, type Channel, type Reporter, type ResponseLevel, type Satisfaction, type TimelineEntry } from '@gridwork/contracts';

/*
 * The `case` table's columns, all of them, in one place: `CaseRow` holds
 * what intake writes and every lifecycle change reads; `TimedCaseRow` adds
 * the deadline timers' columns, which a trigger keeps (supervision's
 * migration added them). The table is written only by intake
 * (intake.service.ts) and the case lifecycle (case-lifecycle.ts).
 */

/** A `case` row as intake writes it (the timer columns are left to the trigger, see `TimedCaseRow`). */
export interface CaseRow {
  id: string;
  number: string;
  idempotency_scope: string;
  idempotency_key: string;
  state: CaseState;
  channel: Channel;
  category_code: string;
  description: string;
  longitude: number | null;
  latitude: number | null;
  address: string | null;
  grid_code: string | null;
  area_path: string[];
  reporter: Reporter | null;
  attachments: Attachment[];
  /** The report's checked answers to its category's attributes. */
  attributes: Record<string, string | number | string[]> | null;
  reporting_department: string | null;
  push_down_to: ResponseLevel | null;
  owner_kind: 'department' | 'level' | null;
  owner_department: string | null;
  owner_level: ResponseLevel | null;
  owner_area_code: string | null;
  owner_worker_id: string | null;
  accept_due_at: Date | null;
  complete_due_at: Date | null;
  flag: 'yellow' | 'red' | null;
  /** Deadlines missed so far (kept by the deadline timers). */
  overdue_count: number;
  reopen_count: number;
  satisfaction: Satisfaction | null;
  duplicate_of: string | null;
  occurred_at: Date | null;
  reported_at: Date;
  assigned_at: Date | null;
  claimed_at: Date | null;
  resolved_at: Date | null;
  closed_at: Date | null;
  updated_at: Date;
  version: number;
}

export function ownerOf(row: Pick<CaseRow, 'owner_kind' | 'owner_department' | 'owner_level' | 'owner_area_code' | 'owner_worker_id'>): CaseOwner | undefined {
  if (row.owner_kind === 'department') return { kind: 'department', department: row.owner_department! };
  if (row.owner_kind === 'level') {
    return { kind: 'level', level: row.owner_level!, areaCode: row.owner_area_code!, ...(row.owner_worker_id ? { workerId: row.owner_worker_id } : {}) };
  }
  return undefined;
}

/** The owner columns for an owner (all null when there is none). */
export function ownerColumns(owner: CaseOwner | undefined): Pick<CaseRow, 'owner_kind' | 'owner_department' | 'owner_level' | 'owner_area_code' | 'owner_worker_id'> {
  return {
    owner_kind: owner?.kind ?? null,
    owner_department: owner?.kind === 'department' ? owner.department! : null,
    owner_level: owner?.kind === 'level' ? owner.level! : null,
    owner_area_code: owner?.kind === 'level' ? owner.areaCode! : null,
    owner_worker_id: owner?.workerId ?? null,
  };
}

const iso = (date: Date | null): string | undefined => date?.toISOString();

export function caseOf(row: CaseRow): Case {
  const owner = ownerOf(row);
  const optional: Partial<Case> = {
    location: row.longitude !== null && row.latitude !== null ? { longitude: row.longitude, latitude: row.latitude } : undefined,
    address: row.address ?? undefined,
    gridCode: row.grid_code ?? undefined,
    reporter: row.reporter ?? undefined,
    reportingDepartment: row.reporting_department ?? undefined,
    attributes: row.attributes ?? undefined,
    owner,
    acceptDueAt: iso(row.accept_due_at),
    completeDueAt: iso(row.complete_due_at),
    flag: row.flag ?? undefined,
    satisfaction: row.satisfaction ?? undefined,
    duplicateOf: row.duplicate_of ?? undefined,
    closedAt: iso(row.closed_at),
  };
  return {
    id: row.id,
    number: row.number,
    state: row.state,
    channel: row.channel,
    categoryCode: row.category_code,
    description: row.description,
    areaPath: row.area_path,
    attachments: row.attachments,
    reopenCount: row.reopen_count,
    reportedAt: row.reported_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    version: row.version,
    ...compact(optional),
  };
}

/**
 * A case as events carry it: without the reporter's phone. Events stay in the
 * stream for its retention and reach every consumer allowed to read it, so,
 * as grid's events do, they carry nothing that reaches a person; `case.get`
 * has the phone for whoever may read the case.
 */
export function caseInEventsOf(row: CaseRow): Case {
  const { reporter, ...rest } = caseOf(row);
  const { phone: _phone, ...withoutPhone } = reporter ?? {};
  return Object.keys(withoutPhone).length ? { ...rest, reporter: withoutPhone } : rest;
}

/** A case row with the timer columns the supervision migration adds, kept by its trigger from the deadlines and the state. */
export interface TimedCaseRow extends CaseRow {
  accept_remind_at: Date | null;
  accept_reminded_at: Date | null;
  accept_missed_at: Date | null;
  complete_remind_at: Date | null;
  complete_reminded_at: Date | null;
  complete_missed_at: Date | null;
  timer_at: Date | null;
}

/** A line of a case's timeline, as written. */
export interface TimelineLine {
  caseId: string;
  at: Date;
  actorKind: TimelineEntry['actorKind'];
  actorId?: string;
  actorName?: string;
  action: string;
  fromState?: CaseState;
  toState?: CaseState;
  reason?: string;
  data?: Record<string, unknown>;
}

/** A case locked for change in this transaction (`FOR UPDATE`), or NOT_FOUND. */
export async function lockCase<Row extends CaseRow = CaseRow>(em: EntityManager, id: string): Promise<Row> {
  const [row] = await em.query<Row[]>(`SELECT * FROM "case" WHERE id = $1 FOR UPDATE`, [id]);
  if (!row) throw GridworkError.notFound(`case ${id}`);
  return row;
}

/** Locks those of these cases no other transaction holds (`SKIP LOCKED`), in id order; returns their ids. */
export async function lockFreeCases(em: EntityManager, ids: string[]): Promise<string[]> {
  const rows = await em.query<{ id: string }[]>(`SELECT id FROM "case" WHERE id = ANY ($1::uuid[]) ORDER BY id FOR UPDATE SKIP LOCKED`, [ids]);
  return rows.map((row) => row.id);
}

/** An actor acting within areas (a person's scope, which the gateway sets) changes only cases inside one of them. */
export function assertWithinActorsAreas(row: CaseRow, actor: { id: string; areas?: string[] } | undefined): void {
  if (actor?.areas && !liesWithin(row.area_path, actor.areas)) {
    throw new GridworkError(ErrorCode.FORBIDDEN, `case ${row.number} lies outside ${actor.areas.join(', ')}, where ${actor.id} acts`);
  }
}
