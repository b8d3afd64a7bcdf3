import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ALL_BASE_RECORD_TYPES,
  BASE_RECORD_TYPES,
  ErrorCode,
  GridworkError,
  kindOfBaseRecordType,
  subjects,
  type ActorRef,
  type ArchiveBaseRecordRequest,
  type BaseRecord,
  type BaseRecordChange,
  type BaseRecordChangeKind,
  type BaseRecordCounts,
  type BaseRecordDetail,
  type BaseRecordKind,
  type BaseRecordPage,
  type BaseRecordType,
  type BaseRecordTypeCatalogue,
  type BaseRecordView,
  type CountBaseRecordsRequest,
  type FieldChange,
  type FieldError,
  type GetBaseRecordRequest,
  type ListBaseRecordTypesRequest,
  type ListBaseRecordsRequest,
  type LonLat,
  type RegisterBaseRecordRequest,
  type UpdateBaseRecordRequest,
} from '@gridwork/contracts';
import { publishInTransaction } from '@gridwork/messaging';
import { newId, pageOf, pgErrorOf } from '@gridwork/persistence';
import {
  attributeErrors,
  changedAttributes,
  maskIdNumber,
  maskValue,
  mergePatch,
  withoutSensitive,
  type Attributes,
} from './attributes.js';
import { assertGridExists, lockActiveGrid } from '../grid-lookups/active-grid.js';
import { RECORD_TYPES } from './record-types.js';
import { pointOf } from '../spatial/boundaries.js';

interface RecordRow {
  id: string;
  grid_code: string;
  kind: BaseRecordKind;
  type: BaseRecordType;
  name: string;
  id_number: string | null;
  lon: number | null;
  lat: number | null;
  attributes: Attributes;
  version: number;
  registered_at: Date;
  registered_by_id: string;
  registered_by_name: string;
  updated_at: Date;
  updated_by_id: string;
  updated_by_name: string;
  archived_at: Date | null;
  archive_reason: string | null;
}

interface ChangeRow {
  version: number;
  change: BaseRecordChangeKind;
  actor_id: string;
  actor_name: string;
  at: Date;
  changes: FieldChange[];
  reason: string | null;
}

const COLUMNS = `r.id, r.grid_code, r.kind, r.type, r.name, r.id_number, ST_X(r.location) AS lon, ST_Y(r.location) AS lat,
  r.attributes, r.version, r.registered_at, r.registered_by_id, r.registered_by_name, r.updated_at, r.updated_by_id,
  r.updated_by_name, r.archived_at, r.archive_reason`;

const DEFAULT_PAGE = 100;

/** `whole`: the ID number and attributes as stored (platform callers); `masked`: lists and department systems. */
type Exposure = 'whole' | 'masked';

function recordOf(row: RecordRow, exposure: Exposure): BaseRecord {
  const record: BaseRecord = {
    id: row.id,
    kind: row.kind,
    type: row.type,
    gridCode: row.grid_code,
    name: row.name,
    attributes: exposure === 'whole' ? row.attributes : withoutSensitive(row.type, row.attributes, maskValue),
    version: row.version,
    registeredAt: row.registered_at.toISOString(),
    registeredBy: { id: row.registered_by_id, name: row.registered_by_name },
    updatedAt: row.updated_at.toISOString(),
    updatedBy: { id: row.updated_by_id, name: row.updated_by_name },
  };
  if (row.id_number) {
    if (exposure === 'whole') record.idNumber = row.id_number;
    record.idNumberMasked = maskIdNumber(row.id_number);
  }
  if (row.lon !== null && row.lat !== null) record.location = [row.lon, row.lat];
  if (row.archived_at) record.archivedAt = row.archived_at.toISOString();
  if (row.archive_reason) record.archiveReason = row.archive_reason;
  return record;
}

/** What events carry: no ID number, no sensitive attributes. */
function viewOf(row: RecordRow): BaseRecordView {
  const view: BaseRecordView = {
    id: row.id,
    kind: row.kind,
    type: row.type,
    gridCode: row.grid_code,
    name: row.name,
    attributes: withoutSensitive(row.type, row.attributes),
    version: row.version,
  };
  if (row.lon !== null && row.lat !== null) view.location = [row.lon, row.lat];
  return view;
}

const locationOf = (row: Pick<RecordRow, 'lon' | 'lat'>): LonLat | undefined =>
  row.lon !== null && row.lat !== null ? [row.lon, row.lat] : undefined;

/**
 * The fields that differ between two states of a record. ID numbers and
 * sensitive attributes are kept masked in the history: it shows that they
 * changed, not the numbers.
 */
function diff(before: Partial<RecordRow> & { attributes: Attributes }, after: RecordRow): FieldChange[] {
  const changes: FieldChange[] = [];
  const push = (field: string, from: unknown, to: unknown) => {
    const change: FieldChange = { field };
    if (from !== undefined && from !== null) change.from = from;
    if (to !== undefined && to !== null) change.to = to;
    changes.push(change);
  };
  if (before.name !== after.name) push('name', before.name, after.name);
  if (before.type !== undefined && before.type !== after.type) push('type', before.type, after.type);
  if (before.grid_code !== undefined && before.grid_code !== after.grid_code) push('gridCode', before.grid_code, after.grid_code);
  const [fromLocation, toLocation] = [before.lon === undefined ? undefined : locationOf(before as RecordRow), locationOf(after)];
  if (JSON.stringify(fromLocation) !== JSON.stringify(toLocation)) push('location', fromLocation, toLocation);
  if ((before.id_number ?? null) !== after.id_number) {
    push('idNumber', before.id_number ? maskIdNumber(before.id_number) : undefined, after.id_number ? maskIdNumber(after.id_number) : undefined);
  }
  const fromAttributes = before.type ? withoutSensitive(before.type, before.attributes, maskValue) : before.attributes;
  const toAttributes = withoutSensitive(after.type, after.attributes, maskValue);
  for (const key of changedAttributes(before.attributes, after.attributes)) push(`attributes.${key}`, fromAttributes[key], toAttributes[key]);
  return changes;
}

/**
 * The record as the update would leave it: the request's fields over the
 * current ones (attributes by JSON merge patch, `null` clearing the ID number
 * or location). Refuses a type of another kind, attributes its type does not
 * allow, and an ID number on anything but a person.
 */
function updated(current: RecordRow, request: UpdateBaseRecordRequest): RecordRow {
  const type = request.type ?? current.type;
  const attributes = request.attributes ? (mergePatch(current.attributes, request.attributes) as Attributes) : current.attributes;
  const location = request.location === undefined ? locationOf(current) : (request.location ?? undefined);

  const problems: FieldError[] = [];
  if (kindOfBaseRecordType(type) !== current.kind) {
    problems.push({ field: 'type', messages: [`must be a type of kind ${current.kind}: ${BASE_RECORD_TYPES[current.kind].join(', ')}`] });
  } else {
    problems.push(...attributeErrors(type, attributes));
  }
  if (request.idNumber && current.kind !== 'person') {
    problems.push({ field: 'idNumber', messages: [`only people have an ID number; this record is a ${current.kind}`] });
  }
  if (problems.length > 0) throw GridworkError.validation(problems);

  return {
    ...current,
    type,
    grid_code: request.gridCode ?? current.grid_code,
    name: request.name ?? current.name,
    id_number: request.idNumber === undefined ? current.id_number : (request.idNumber?.toUpperCase() ?? null),
    lon: location?.[0] ?? null,
    lat: location?.[1] ?? null,
    attributes,
  };
}

/** The `base-record` aggregate: register, keep current, archive, read with history, list and count per grid. */
@Injectable()
export class BaseInformationService {
  constructor(private readonly dataSource: DataSource) {}

  types(request: ListBaseRecordTypesRequest): BaseRecordTypeCatalogue {
    const types = request.kind ? BASE_RECORD_TYPES[request.kind] : ALL_BASE_RECORD_TYPES;
    return {
      items: types.map((type) => {
        const spec = RECORD_TYPES[type];
        return {
          kind: kindOfBaseRecordType(type),
          type,
          label: spec.label,
          description: spec.description,
          schema: spec.schema,
          sensitiveAttributes: spec.sensitive,
        };
      }),
    };
  }

  async register(request: RegisterBaseRecordRequest): Promise<BaseRecordDetail> {
    const kind = kindOfBaseRecordType(request.type);
    const problems: FieldError[] = [];
    if (request.idNumber !== undefined && kind !== 'person') {
      problems.push({ field: 'idNumber', messages: [`only people have an ID number; ${request.type} is a ${kind}`] });
    }
    problems.push(...attributeErrors(request.type, request.attributes));
    if (problems.length > 0) throw GridworkError.validation(problems);
    const idNumber = request.idNumber?.toUpperCase() ?? null;

    return this.writing(async (em) => {
      await lockActiveGrid(em, request.gridCode);
      if (idNumber) await assertNoDuplicatePerson(em, request.gridCode, idNumber);
      const at = new Date();
      const [row] = await em.query<RecordRow[]>(
        `INSERT INTO base_record AS r (id, grid_code, kind, type, name, id_number, location, attributes, version,
                                       registered_at, registered_by_id, registered_by_name, updated_at, updated_by_id, updated_by_name)
         VALUES ($1, $2, $3, $4, $5, $6, ${pointOrNull('$7', '$8')}, $9, 1, $10, $11, $12, $10, $11, $12)
         RETURNING ${COLUMNS}`,
        [newId(), request.gridCode, kind, request.type, request.name, idNumber, ...pointParams(request.location), request.attributes, at, request.actor.id, request.actor.name],
      );
      await recordChange(em, row!, 'registered', request.actor, at, diff({ attributes: {} }, row!));
      await publishInTransaction(em, subjects.grid.baseRecord.registered, { record: viewOf(row!), actor: actorOf(request.actor), at: at.toISOString() });
      return this.detail(em, row!, 'whole');
    });
  }

  async update(request: UpdateBaseRecordRequest): Promise<BaseRecordDetail> {
    return this.writing(async (em) => {
      const current = await selectRecord(em, request.id, true);
      assertWritable(current, request.version);
      const next = updated(current, request);
      const changes = diff(current, next);
      if (changes.length === 0) return this.detail(em, current, 'whole');

      // Moving to another grid needs it active; an ID number is unique among the grid's active people.
      if (next.grid_code !== current.grid_code) await lockActiveGrid(em, next.grid_code);
      if (next.id_number && (next.id_number !== current.id_number || next.grid_code !== current.grid_code)) {
        await assertNoDuplicatePerson(em, next.grid_code, next.id_number, current.id);
      }
      const at = new Date();
      // TypeORM answers an UPDATE … RETURNING with [rows, count].
      const [[row]] = await em.query<[RecordRow[], number]>(
        `UPDATE base_record r SET type = $2, grid_code = $3, name = $4, id_number = $5, location = ${pointOrNull('$6', '$7')},
                attributes = $8, version = version + 1, updated_at = $9, updated_by_id = $10, updated_by_name = $11
          WHERE r.id = $1
          RETURNING ${COLUMNS}`,
        [current.id, next.type, next.grid_code, next.name, next.id_number, next.lon, next.lat, next.attributes, at, request.actor.id, request.actor.name],
      );
      await recordChange(em, row!, 'updated', request.actor, at, changes, request.reason);
      const event = { record: viewOf(row!), changedFields: changes.map((c) => c.field), actor: actorOf(request.actor), at: at.toISOString() };
      await publishInTransaction(
        em,
        subjects.grid.baseRecord.changed,
        next.grid_code === current.grid_code ? event : { ...event, previousGridCode: current.grid_code },
      );
      return this.detail(em, row!, 'whole');
    });
  }

  async archive(request: ArchiveBaseRecordRequest): Promise<BaseRecordDetail> {
    return this.dataSource.transaction(async (em) => {
      const current = await selectRecord(em, request.id, true);
      assertWritable(current, request.version);
      const at = new Date();
      const [[row]] = await em.query<[RecordRow[], number]>(
        `UPDATE base_record r SET archived_at = $2, archive_reason = $3, version = version + 1,
                updated_at = $2, updated_by_id = $4, updated_by_name = $5
          WHERE r.id = $1
          RETURNING ${COLUMNS}`,
        [current.id, at, request.reason, request.actor.id, request.actor.name],
      );
      await recordChange(em, row!, 'archived', request.actor, at, [], request.reason);
      await publishInTransaction(em, subjects.grid.baseRecord.archived, {
        id: row!.id,
        kind: row!.kind,
        type: row!.type,
        gridCode: row!.grid_code,
        version: row!.version,
        reason: request.reason,
        actor: actorOf(request.actor),
        at: at.toISOString(),
      });
      return this.detail(em, row!, 'whole');
    });
  }

  /** Department systems see ID numbers and sensitive attributes masked, as in lists. */
  async get(request: GetBaseRecordRequest, department?: string): Promise<BaseRecordDetail> {
    const em = this.dataSource.manager;
    const row = await selectRecord(em, request.id);
    return this.detail(em, row, department ? 'masked' : 'whole');
  }

  async list(request: ListBaseRecordsRequest): Promise<BaseRecordPage> {
    if (request.kind && request.type && kindOfBaseRecordType(request.type) !== request.kind) {
      throw GridworkError.validation([{ field: 'type', messages: [`${request.type} is not a type of kind ${request.kind}`] }]);
    }
    await assertGridExists(this.dataSource.manager, request.gridCode);
    const limit = request.limit ?? DEFAULT_PAGE;
    const pattern = request.nameContains ? `%${request.nameContains.replace(/[\\%_]/g, '\\$&')}%` : null;
    const rows = await this.dataSource.query<RecordRow[]>(
      `SELECT ${COLUMNS} FROM base_record r
        WHERE r.grid_code = $1
          AND ($2::text IS NULL OR r.kind = $2)
          AND ($3::text IS NULL OR r.type = $3)
          AND ($4::text IS NULL OR r.name ILIKE $4)
          AND ($5 OR r.archived_at IS NULL)
          AND ($6::uuid IS NULL OR r.id > $6)
        ORDER BY r.id
        LIMIT $7`,
      [request.gridCode, request.kind ?? null, request.type ?? null, pattern, request.includeArchived ?? false, request.after ?? null, limit + 1],
    );
    return pageOf(rows, limit, (row) => row.id, (row) => recordOf(row, 'masked'));
  }

  async count(request: CountBaseRecordsRequest): Promise<BaseRecordCounts> {
    await assertGridExists(this.dataSource.manager, request.gridCode);
    const rows = await this.dataSource.query<{ type: BaseRecordType; active: number; archived: number }[]>(
      `SELECT type, count(*) FILTER (WHERE archived_at IS NULL)::int AS active, count(*) FILTER (WHERE archived_at IS NOT NULL)::int AS archived
         FROM base_record WHERE grid_code = $1 GROUP BY type`,
      [request.gridCode],
    );
    const byType = new Map(rows.map((row) => [row.type, row]));
    const counts = ALL_BASE_RECORD_TYPES.map((type) => ({
      kind: kindOfBaseRecordType(type),
      type,
      active: byType.get(type)?.active ?? 0,
      archived: byType.get(type)?.archived ?? 0,
    }));
    return { gridCode: request.gridCode, total: counts.reduce((sum, c) => sum + c.active, 0), byType: counts };
  }

  /** A transaction that may store an ID number; two writers racing past the duplicate check meet the unique index. */
  private writing<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work).catch((error: unknown) => {
      const { code, constraint } = pgErrorOf(error);
      if (code === '23505' && constraint === 'base_record_person_key') {
        throw new GridworkError(ErrorCode.CONFLICT, 'a person with this ID number was registered in the grid meanwhile');
      }
      throw error;
    });
  }

  private async detail(em: EntityManager, row: RecordRow, exposure: Exposure): Promise<BaseRecordDetail> {
    const changes = await em.query<ChangeRow[]>(
      `SELECT version, change, actor_id, actor_name, at, changes, reason FROM base_record_change WHERE record_id = $1 ORDER BY version`,
      [row.id],
    );
    const history = changes.map((c) => {
      const entry: BaseRecordChange = { version: c.version, change: c.change, actor: { id: c.actor_id, name: c.actor_name }, at: c.at.toISOString(), changes: c.changes };
      if (c.reason) entry.reason = c.reason;
      return entry;
    });
    return { ...recordOf(row, exposure), history };
  }
}

const actorOf = (actor: ActorRef): ActorRef => ({ id: actor.id, name: actor.name });

/** SQL for an optional location: NULL when the longitude parameter is. */
const pointOrNull = (lon: string, lat: string) => `CASE WHEN ${lon}::float8 IS NULL THEN NULL ELSE ${pointOf(`${lon}::float8`, `${lat}::float8`)} END`;
const pointParams = (location: LonLat | undefined | null) => [location?.[0] ?? null, location?.[1] ?? null];

async function selectRecord(em: EntityManager, id: string, forUpdate = false): Promise<RecordRow> {
  const [row] = await em.query<RecordRow[]>(`SELECT ${COLUMNS} FROM base_record r WHERE r.id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  if (!row) throw GridworkError.notFound(`base-information record ${id}`);
  return row;
}

function assertWritable(row: RecordRow, version: number): void {
  if (row.archived_at) throw new GridworkError(ErrorCode.CONFLICT, `record ${row.id} was archived at ${row.archived_at.toISOString()}`);
  if (row.version !== version) {
    throw new GridworkError(ErrorCode.CONFLICT, `record ${row.id} is at version ${row.version}, not ${version}: someone changed it since; read it again`);
  }
}

async function assertNoDuplicatePerson(em: EntityManager, gridCode: string, idNumber: string, exceptId?: string): Promise<void> {
  const [duplicate] = await em.query<{ id: string }[]>(
    `SELECT id FROM base_record WHERE grid_code = $1 AND id_number = $2 AND archived_at IS NULL AND ($3::uuid IS NULL OR id <> $3)`,
    [gridCode, idNumber, exceptId ?? null],
  );
  if (duplicate) {
    throw new GridworkError(ErrorCode.CONFLICT, `a person with ID number ${maskIdNumber(idNumber)} is already registered in grid ${gridCode} as record ${duplicate.id}`);
  }
}

async function recordChange(
  em: EntityManager,
  row: RecordRow,
  change: BaseRecordChangeKind,
  actor: ActorRef,
  at: Date,
  changes: FieldChange[],
  reason?: string,
): Promise<void> {
  await em.query(
    `INSERT INTO base_record_change (record_id, version, change, actor_id, actor_name, at, changes, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [row.id, row.version, change, actor.id, actor.name, at, JSON.stringify(changes), reason ?? null],
  );
}
