import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ErrorCode,
  GridworkError,
  ORGANIZATION_KINDS,
  ORGANIZATION_TYPES,
  PARENT_KINDS,
  subjects,
  type CreateOrganizationRequest,
  type DissolveOrganizationRequest,
  type FieldError,
  type MoveOrganizationRequest,
  type OrgActor,
  type Organization,
  type OrganizationList,
  type OrganizationRequest,
  type OrgViewer,
  type SubtreeCounts,
} from '@gridwork/contracts';
import { publishInTransaction } from '@gridwork/messaging';
import { newId } from '@gridwork/persistence';
import { GridAreasReadModel } from '@gridwork/area-read-model';
import { assertWithinAreas } from '../scope.js';
import { organizationOf, type OrganizationRow } from './organization.rows.js';

/** Moves and merges take this transaction lock, so two moves at once can never make a cycle between them. */
const TREE_LOCK_KEY = 0x6f7267747265;

const KIND_NAMES: Record<Organization['kind'], string> = { committee: 'committee', 'general-branch': 'general branch', branch: 'branch', group: 'group' };

/** The organization tree: sole writer of `organization`. */
@Injectable()
export class OrganizationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly areas: GridAreasReadModel,
  ) {}

  async create(request: CreateOrganizationRequest): Promise<Organization> {
    assertSetup(request);
    return this.dataSource.transaction(async (em) => {
      const area = await this.areas.current(em, request.areaCode);
      assertWithinAreas(request.actor, area.path, `area ${area.code}`);
      const gridBranch = area.level === 'grid';
      let parent: OrganizationRow | undefined;
      if (request.parentId) {
        // FOR SHARE: a move of the parent (which rewrites its path) waits for this insert, and this one for it.
        parent = await this.current(em, request.parentId, 'FOR SHARE');
        assertPlacement({ kind: request.kind, gridBranch, areaPath: area.path, name: request.name }, parent);
      } else if (request.kind !== 'committee') {
        throw GridworkError.validation([{ field: 'parentId', messages: [`a ${KIND_NAMES[request.kind]} sits under a parent organization; only a committee may be a root`] }]);
      }
      if (gridBranch && request.kind !== 'branch' && request.kind !== 'group') {
        throw new GridworkError(ErrorCode.CONFLICT, `${area.code} is a grid: only a branch (a grid branch) or a group is placed at a grid, not a ${KIND_NAMES[request.kind]}`);
      }
      if (request.hostId) {
        const host = await this.current(em, request.hostId, 'FOR SHARE');
        assertWithinAreas(request.actor, host.area_path, `host organization ${host.name}`);
      }
      const [row] = await em.query<OrganizationRow[]>(
        `WITH l AS (SELECT nextval(pg_get_serial_sequence('organization', 'label')) AS label)
         INSERT INTO organization (id, label, name, kind, type, area_code, area_path, parent_id, path, grid_branch, setup, unit_codes, host_id, instructor, created_by)
         SELECT $1, l.label, $2, $3, $4, $5, $6, $7, text2ltree(concat_ws('.', $8::text, l.label::text)), $9, $10, $11, $12, $13, $14 FROM l
         RETURNING *`,
        [
          newId(),
          request.name,
          request.kind,
          request.type,
          area.code,
          area.path,
          parent?.id ?? null,
          parent?.path ?? null,
          gridBranch && request.kind === 'branch',
          request.setup,
          request.unitCodes ?? [],
          request.hostId ?? null,
          request.instructor ?? null,
          request.actor.id,
        ],
      );
      const organization = organizationOf(row!);
      await publishInTransaction(em, subjects.org.organization.created, { organization });
      return organization;
    });
  }

  async get(request: OrganizationRequest): Promise<Organization> {
    return organizationOf(await this.visible(this.dataSource.manager, request.id, request.viewer));
  }

  async children(request: OrganizationRequest): Promise<OrganizationList> {
    await this.visible(this.dataSource.manager, request.id, request.viewer);
    const rows = await this.dataSource.query<OrganizationRow[]>(
      `SELECT * FROM organization WHERE parent_id = $1 AND dissolved_at IS NULL AND ($2::text[] IS NULL OR area_path && $2::text[]) ORDER BY name, id`,
      [request.id, request.viewer?.areas ?? null],
    );
    return { items: rows.map(organizationOf) };
  }

  async path(request: OrganizationRequest): Promise<OrganizationList> {
    const row = await this.visible(this.dataSource.manager, request.id, request.viewer);
    const rows = await this.dataSource.query<OrganizationRow[]>(`SELECT * FROM organization WHERE path @> $1::ltree ORDER BY nlevel(path)`, [row.path]);
    return { items: rows.map(organizationOf) };
  }

  /**
   * Counts below an organization. Every organization below lies on or below
   * its parent's area, so a root inside the viewer's areas has its whole
   * subtree inside them too.
   */
  async subtree(request: OrganizationRequest): Promise<SubtreeCounts> {
    const root = await this.visible(this.dataSource.manager, request.id, request.viewer);
    const [counts] = await this.dataSource.query<{ by_kind: Record<string, number>; by_type: Record<string, number>; total: number; full_n: number; probationary_n: number }[]>(
      `WITH sub AS (SELECT id, kind, type FROM organization WHERE path <@ $1::ltree AND dissolved_at IS NULL)
       SELECT (SELECT count(*)::int FROM sub) AS total,
              (SELECT COALESCE(jsonb_object_agg(kind, n), '{}') FROM (SELECT kind, count(*)::int AS n FROM sub GROUP BY kind) k) AS by_kind,
              (SELECT COALESCE(jsonb_object_agg(type, n), '{}') FROM (SELECT type, count(*)::int AS n FROM sub GROUP BY type) t) AS by_type,
              COALESCE((SELECT sum(c.full_members)::int FROM member_count c JOIN sub ON sub.id = c.organization_id), 0) AS full_n,
              COALESCE((SELECT sum(c.probationary_members)::int FROM member_count c JOIN sub ON sub.id = c.organization_id), 0) AS probationary_n`,
      [root.path],
    );
    return {
      root: organizationOf(root),
      organizations: counts!.total,
      byKind: ORGANIZATION_KINDS.map((kind) => ({ kind, count: counts!.by_kind[kind] ?? 0 })),
      byType: ORGANIZATION_TYPES.map((type) => ({ type, count: counts!.by_type[type] ?? 0 })),
      fullMembers: counts!.full_n,
      probationaryMembers: counts!.probationary_n,
    };
  }

  async move(request: MoveOrganizationRequest): Promise<Organization> {
    return this.dataSource.transaction(async (em) => {
      await em.query(`SELECT pg_advisory_xact_lock($1)`, [TREE_LOCK_KEY]);
      const row = await this.current(em, request.id, 'FOR UPDATE');
      assertWithinAreas(request.actor, row.area_path, `organization ${row.name}`);
      const parent = await this.current(em, request.parentId, 'FOR UPDATE');
      assertWithinAreas(request.actor, parent.area_path, `organization ${parent.name}`);
      if (row.parent_id === parent.id) throw new GridworkError(ErrorCode.CONFLICT, `${row.name} is already under ${parent.name}`);
      const moved = await this.reparent(em, row, parent);
      return moved.organization;
    });
  }

  /**
   * Puts `row` and its subtree under `parent` (checked as a new placement),
   * rewriting the subtree's paths in one statement, and announces it.
   * The caller holds the tree lock and both rows.
   */
  async reparent(em: EntityManager, row: OrganizationRow, parent: OrganizationRow): Promise<{ organization: Organization; descendants: number }> {
    if (parent.id === row.id || isBelow(parent.path, row.path)) {
      throw new GridworkError(ErrorCode.CONFLICT, `${row.name} cannot move under ${parent.name}, which is ${parent.id === row.id ? 'itself' : 'one of its own descendants'}`);
    }
    assertPlacement({ kind: row.kind, gridBranch: row.grid_branch, areaPath: row.area_path, name: row.name }, parent);
    const [{ n }] = (await em.query<{ n: number }[]>(
      `WITH moved AS (
         UPDATE organization SET path = $2::ltree || subpath(path, nlevel($1::ltree) - 1),
                parent_id = CASE WHEN id = $3 THEN $4::uuid ELSE parent_id END
          WHERE path <@ $1::ltree RETURNING 1)
       SELECT count(*)::int AS n FROM moved`,
      [row.path, parent.path, row.id, parent.id],
    )) as [{ n: number }];
    const [updated] = await em.query<OrganizationRow[]>(`SELECT * FROM organization WHERE id = $1`, [row.id]);
    const organization = organizationOf(updated!);
    await publishInTransaction(em, subjects.org.organization.moved, { organization, ...(row.parent_id ? { fromParentId: row.parent_id } : {}), descendants: n - 1 });
    return { organization, descendants: n - 1 };
  }

  async dissolve(request: DissolveOrganizationRequest): Promise<Organization> {
    return this.dataSource.transaction(async (em) => {
      const row = await this.current(em, request.id, 'FOR UPDATE');
      assertWithinAreas(request.actor, row.area_path, `organization ${row.name}`);
      return this.markDissolved(em, row, request.reason);
    });
  }

  /** Dissolves `row` (locked by the caller) once it has no current members or sub-organizations; announces it. */
  async markDissolved(em: EntityManager, row: OrganizationRow, reason: string, mergedInto?: string): Promise<Organization> {
    const [{ children, members, applicants }] = (await em.query(
      `SELECT (SELECT count(*)::int FROM organization WHERE parent_id = $1 AND dissolved_at IS NULL) AS children,
              (SELECT count(*)::int FROM member WHERE organization_id = $1 AND status IN ('probationary', 'full')) AS members,
              (SELECT count(*)::int FROM applicant WHERE organization_id = $1 AND stage NOT IN ('admitted', 'stopped')) AS applicants`,
      [row.id],
    )) as [{ children: number; members: number; applicants: number }];
    if (children > 0 || members > 0 || applicants > 0) {
      const what = [
        members > 0 ? `${members} current member(s): transfer them first` : '',
        children > 0 ? `${children} current sub-organization(s): move or dissolve them first` : '',
        applicants > 0 ? `${applicants} open application(s) to join: decide them first` : '',
      ]
        .filter(Boolean)
        .join('; ');
      throw new GridworkError(ErrorCode.CONFLICT, `${row.name} still has ${what}`);
    }
    const [updated] = await em.query<OrganizationRow[]>(
      `WITH d AS (UPDATE organization SET dissolved_at = now(), dissolution_reason = $2, merged_into = $3 WHERE id = $1 RETURNING *) SELECT * FROM d`,
      [row.id, reason, mergedInto ?? null],
    );
    const organization = organizationOf(updated!);
    await publishInTransaction(em, subjects.org.organization.dissolved, { organization });
    return organization;
  }

  /** The tree lock moves and merges take (see TREE_LOCK_KEY). */
  async lockTree(em: EntityManager): Promise<void> {
    await em.query(`SELECT pg_advisory_xact_lock($1)`, [TREE_LOCK_KEY]);
  }

  /** An organization that has not been dissolved, locked as asked; NOT_FOUND, or CONFLICT when dissolved. */
  async current(em: EntityManager, id: string, lock: 'FOR SHARE' | 'FOR UPDATE' | '' = ''): Promise<OrganizationRow> {
    const [row] = await em.query<OrganizationRow[]>(`SELECT * FROM organization WHERE id = $1 ${lock}`, [id]);
    if (!row) throw GridworkError.notFound(`organization ${id}`);
    if (row.dissolved_at) throw new GridworkError(ErrorCode.CONFLICT, `organization ${row.name} was dissolved on ${row.dissolved_at.toISOString()}`);
    return row;
  }

  /** An organization (dissolved ones too) the viewer may read. */
  async visible(em: EntityManager, id: string, viewer: OrgViewer | OrgActor | undefined): Promise<OrganizationRow> {
    const [row] = await em.query<OrganizationRow[]>(`SELECT * FROM organization WHERE id = $1`, [id]);
    if (!row) throw GridworkError.notFound(`organization ${id}`);
    assertWithinAreas(viewer, row.area_path, `organization ${row.name}`);
    return row;
  }
}

/** `path` lies strictly below `ancestor`. */
const isBelow = (path: string, ancestor: string): boolean => path.startsWith(`${ancestor}.`);

/** The rules of which kind sits where: CONFLICT with the reason when `child` may not sit under `parent`. */
function assertPlacement(child: { kind: Organization['kind']; gridBranch: boolean; areaPath: string[]; name: string }, parent: OrganizationRow): void {
  const allowed = PARENT_KINDS[child.kind];
  if (!allowed.includes(parent.kind)) {
    throw new GridworkError(
      ErrorCode.CONFLICT,
      `a ${KIND_NAMES[child.kind]} sits under a ${allowed.map((k) => KIND_NAMES[k]).join(' or ')}; ${parent.name} is a ${KIND_NAMES[parent.kind]}`,
    );
  }
  if (!child.areaPath.includes(parent.area_code)) {
    throw new GridworkError(ErrorCode.CONFLICT, `${child.name} is placed at ${child.areaPath[child.areaPath.length - 1]}, outside ${parent.name}'s area ${parent.area_code}`);
  }
  if (child.gridBranch && !(parent.kind === 'committee' && parent.type === 'community')) {
    throw new GridworkError(ErrorCode.CONFLICT, `a grid branch sits under a community committee; ${parent.name} is a ${parent.type} ${KIND_NAMES[parent.kind]}`);
  }
}

/** What each way of setting up needs (the request's shape): VALIDATION_FAILED naming each wrong field. */
function assertSetup(request: CreateOrganizationRequest): void {
  const units = request.unitCodes?.length ?? 0;
  const wrong: FieldError[] = [];
  if (request.setup === 'standalone' && units > 1) wrong.push({ field: 'unitCodes', messages: ['a standalone organization covers at most one unit; several units are set up joint'] });
  if (request.setup === 'joint' && units < 2) wrong.push({ field: 'unitCodes', messages: ['a joint organization covers two or more units'] });
  if (request.setup === 'instructor' && units < 1) wrong.push({ field: 'unitCodes', messages: ['an instructor covers one or more units'] });
  if (request.setup !== 'attached' && request.hostId !== undefined) wrong.push({ field: 'hostId', messages: ['hostId is given only when the setup is attached'] });
  if (request.setup !== 'instructor' && request.instructor !== undefined) wrong.push({ field: 'instructor', messages: ['instructor is given only when the setup is instructor'] });
  if (new Set(request.unitCodes ?? []).size !== units) wrong.push({ field: 'unitCodes', messages: ['each unit is named once'] });
  if (wrong.length > 0) throw GridworkError.validation(wrong);
}
