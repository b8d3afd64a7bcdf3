import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ErrorCode,
  GridworkError,
  MAX_LIST_ENTRIES,
  subjects,
  type AdmissionActor,
  type CompareListsRequest,
  type DiscardDraftRequest,
  type EditDraftRequest,
  type FieldError,
  type GetListRequest,
  type ListComparison,
  type ListEntryInput,
  type ListKey,
  type ListVersion,
  type ListVersions,
  type ListVersionsRequest,
  type PublishListRequest,
} from '@gridwork/contracts';
import { publishInTransaction } from '@gridwork/messaging';
import { today } from '@gridwork/local-time';
import { GridAreasReadModel } from '@gridwork/area-read-model';
import { itemsByCode } from '../items/item.rows.js';
import {
  VERSION_COLUMNS,
  assertLevelFitsArea,
  describeList,
  entriesOf,
  entryOf,
  findList,
  summaryOf,
  versionOf,
  type EntryRow,
  type ListRow,
  type VersionRow,
} from './list.rows.js';

/** The lists (准入清单) and their versions: sole writer of `list`, `list_version` and `list_entry`. */
@Injectable()
export class ListsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly areas: GridAreasReadModel,
  ) {}

  async editDraft(request: EditDraftRequest): Promise<ListVersion> {
    return this.dataSource.transaction(async (em) => {
      const list = await this.openList(em, request);
      const draft = await openDraft(em, list, request.actor);
      await applyEdits(em, list, draft, request.put ?? [], request.remove ?? []);
      return versionOf(em, list, await touch(em, draft, request.actor));
    });
  }

  /**
   * Puts one entry on the draft of a list, opening the list and the draft
   * when needed: how an approved application reaches its list. Runs in the
   * caller's transaction.
   */
  async putOnDraft(em: EntityManager, key: ListKey, entry: ListEntryInput, actor: AdmissionActor): Promise<ListVersion> {
    const list = await this.openList(em, key);
    const draft = await openDraft(em, list, actor);
    await applyEdits(em, list, draft, [entry], []);
    return versionOf(em, list, await touch(em, draft, actor));
  }

  async publish(request: PublishListRequest): Promise<ListVersion> {
    const problems: FieldError[] = [];
    if (request.effectiveOn < today()) problems.push({ field: 'effectiveOn', messages: [`must be today (${today()}, China time) or later: a published list does not change the past`] });
    if (problems.length > 0) throw GridworkError.validation(problems);
    return this.dataSource.transaction(async (em) => {
      const list = await findList(em, request, true);
      if (!list) throw GridworkError.notFound(`${describeKey(request)}`);
      const draft = await draftOf(em, list);
      if (!draft) {
        if (request.draftRevision !== undefined) throw new GridworkError(ErrorCode.CONFLICT, `${describeList(list)} has no draft any more: it was published or discarded meanwhile`);
        throw GridworkError.notFound(`a draft of ${describeList(list)}`);
      }
      if (request.draftRevision !== undefined && request.draftRevision !== draft.revision) {
        throw new GridworkError(ErrorCode.CONFLICT, `the draft of ${describeList(list)} is at revision ${draft.revision}, not ${request.draftRevision}: it was edited meanwhile`);
      }
      const latest = await latestPublished(em, list);
      if (latest && latest.effective_on! > request.effectiveOn) {
        throw GridworkError.validation([{ field: 'effectiveOn', messages: [`must not be before ${latest.effective_on}, the day version ${latest.number} comes into force`] }]);
      }
      await em.query(`UPDATE list_version SET effective_on = $2, published_at = now(), published_by = $3 WHERE id = $1`, [draft.id, request.effectiveOn, request.actor.id]);
      const version = await versionOf(em, list, (await numbered(em, list, draft.number))!);
      const before = latest ? await entriesOf(em, latest.id) : [];
      const now = new Set(version.entries.map((entry) => entry.itemCode));
      const area = await this.areas.current(em, list.area_code);
      await publishInTransaction(em, subjects.admission.list.published, {
        areaCode: list.area_code,
        areaPath: area.path,
        kind: list.kind,
        ...(list.level ? { level: list.level } : {}),
        number: version.number,
        effectiveOn: request.effectiveOn,
        publishedAt: version.publishedAt!,
        publishedBy: request.actor.id,
        entries: version.entries.map(({ itemCode, admitted }) => ({ itemCode, admitted })),
        removed: before.filter((entry) => !now.has(entry.item_code)).map((entry) => entry.item_code),
      });
      return version;
    });
  }

  async discardDraft(request: DiscardDraftRequest): Promise<ListVersions> {
    return this.dataSource.transaction(async (em) => {
      const list = await findList(em, request, true);
      const draft = list && (await draftOf(em, list));
      if (!list || !draft) throw GridworkError.notFound(`a draft of ${describeKey(request)}`);
      await em.query(`DELETE FROM list_version WHERE id = $1`, [draft.id]);
      return { versions: (await allVersions(em, list)).map((v) => summaryOf(list, v)) };
    });
  }

  async get(request: GetListRequest): Promise<ListVersion> {
    const em = this.dataSource.manager;
    const list = await findList(em, request);
    if (!list) throw GridworkError.notFound(describeKey(request));
    let version: VersionRow | undefined;
    if (request.version !== undefined) {
      version = await numbered(em, list, request.version);
      if (!version) throw GridworkError.notFound(`version ${request.version} of ${describeList(list)}`);
    } else if (request.draft) {
      version = await draftOf(em, list);
      if (!version) throw GridworkError.notFound(`a draft of ${describeList(list)}`);
    } else {
      const on = request.on ?? today();
      version = await inForceOn(em, list, on);
      if (!version) throw GridworkError.notFound(`a version of ${describeList(list)} in force on ${on}`);
    }
    return versionOf(em, list, version);
  }

  async versions(request: ListVersionsRequest): Promise<ListVersions> {
    const em = this.dataSource.manager;
    const list = await findList(em, request);
    if (!list) throw GridworkError.notFound(describeKey(request));
    return { versions: (await allVersions(em, list)).map((v) => summaryOf(list, v)) };
  }

  async compare(request: CompareListsRequest): Promise<ListComparison> {
    const em = this.dataSource.manager;
    const list = await findList(em, request);
    if (!list) throw GridworkError.notFound(describeKey(request));
    const [from, to] = [await numbered(em, list, request.from), await numbered(em, list, request.to)];
    if (!from) throw GridworkError.notFound(`version ${request.from} of ${describeList(list)}`);
    if (!to) throw GridworkError.notFound(`version ${request.to} of ${describeList(list)}`);
    const before = new Map((await entriesOf(em, from.id)).map((e) => [e.item_code, e]));
    const after = new Map((await entriesOf(em, to.id)).map((e) => [e.item_code, e]));
    const differs = (a: EntryRow, b: EntryRow) => a.admitted !== b.admitted || (a.note ?? null) !== (b.note ?? null);
    return {
      from: request.from,
      to: request.to,
      added: [...after.values()].filter((e) => !before.has(e.item_code)).map(entryOf),
      removed: [...before.values()].filter((e) => !after.has(e.item_code)).map(entryOf),
      changed: [...after.values()]
        .filter((e) => before.has(e.item_code) && differs(before.get(e.item_code)!, e))
        .map((e) => ({ itemCode: e.item_code, before: entryOf(before.get(e.item_code)!), after: entryOf(e) })),
    };
  }

  /** The list a key names, created on first use, locked for this transaction; its area must be a current one it fits. */
  private async openList(em: EntityManager, key: ListKey): Promise<ListRow> {
    const area = await this.areas.current(em, key.areaCode);
    if (key.kind === 'admitted') assertLevelFitsArea(key.level!, area);
    await em.query(`INSERT INTO list (area_code, kind, level) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [key.areaCode, key.kind, key.level ?? null]);
    return (await findList(em, key, true))!;
  }
}

const describeKey = (key: ListKey) => describeList({ area_code: key.areaCode, kind: key.kind, level: key.level ?? null });

async function versionWhere(em: EntityManager, list: ListRow, where: string, parameters: unknown[]): Promise<VersionRow | undefined> {
  const [row] = await em.query<VersionRow[]>(`SELECT ${VERSION_COLUMNS} FROM list_version v WHERE v.list_id = $1 AND ${where} LIMIT 1`, [list.id, ...parameters]);
  return row;
}

const draftOf = (em: EntityManager, list: ListRow) => versionWhere(em, list, 'v.effective_on IS NULL', []);
const numbered = (em: EntityManager, list: ListRow, number: number) => versionWhere(em, list, 'v.number = $2', [number]);
const latestPublished = (em: EntityManager, list: ListRow) => versionWhere(em, list, 'v.effective_on IS NOT NULL ORDER BY v.number DESC', []);
const inForceOn = (em: EntityManager, list: ListRow, day: string) =>
  versionWhere(em, list, 'v.effective_on <= $2 ORDER BY v.effective_on DESC, v.number DESC', [day]);

async function allVersions(em: EntityManager, list: ListRow): Promise<VersionRow[]> {
  return em.query<VersionRow[]>(
    `SELECT ${VERSION_COLUMNS} FROM list_version v WHERE v.list_id = $1 ORDER BY v.effective_on IS NULL DESC, v.number DESC`,
    [list.id],
  );
}

/** The list's draft; a new one, holding the latest published version's entries, when there is none. */
async function openDraft(em: EntityManager, list: ListRow, actor: AdmissionActor): Promise<VersionRow> {
  const held = await draftOf(em, list);
  if (held) return held;
  const latest = await latestPublished(em, list);
  const [{ id }] = await em.query<{ id: string }[]>(
    `INSERT INTO list_version (list_id, number, edited_by)
     VALUES ($1, coalesce((SELECT max(number) FROM list_version WHERE list_id = $1), 0) + 1, $2) RETURNING id`,
    [list.id, actor.id],
  );
  if (latest) {
    await em.query(`INSERT INTO list_entry (version_id, item_code, admitted, note) SELECT $1, item_code, admitted, note FROM list_entry WHERE version_id = $2`, [id, latest.id]);
  }
  return (await draftOf(em, list))!;
}

/** A new revision of the draft, by `actor`. */
async function touch(em: EntityManager, draft: VersionRow, actor: AdmissionActor): Promise<VersionRow> {
  await em.query(`UPDATE list_version SET revision = revision + 1, edited_by = $2, edited_at = now() WHERE id = $1`, [draft.id, actor.id]);
  return (await em.query<VersionRow[]>(`SELECT ${VERSION_COLUMNS} FROM list_version v WHERE v.id = $1`, [draft.id]))[0]!;
}

/** Checks every edit against the catalogue and the draft, naming each wrong one, then applies them all. */
async function applyEdits(em: EntityManager, list: ListRow, draft: VersionRow, put: ListEntryInput[], remove: string[]): Promise<void> {
  const items = await itemsByCode(em, put.map((entry) => entry.itemCode), true);
  const onDraft = new Set((await em.query<{ item_code: string }[]>(`SELECT item_code FROM list_entry WHERE version_id = $1`, [draft.id])).map((r) => r.item_code));
  const problems: FieldError[] = [];
  const seen = new Set<string>();
  put.forEach((entry, i) => {
    const field = `put[${i}]`;
    const item = items.get(entry.itemCode);
    if (seen.has(entry.itemCode)) problems.push({ field: `${field}.itemCode`, messages: [`item ${entry.itemCode} is put twice`] });
    seen.add(entry.itemCode);
    if (!item) problems.push({ field: `${field}.itemCode`, messages: [`item ${entry.itemCode} is not in the catalogue`] });
    else if (item.withdrawn_on) problems.push({ field: `${field}.itemCode`, messages: [`item ${entry.itemCode} is withdrawn from ${item.withdrawn_on}`] });
    else if (list.kind === 'admitted' && !item.levels.includes(list.level!)) {
      problems.push({ field: `${field}.itemCode`, messages: [`item ${entry.itemCode} is carried out only at the ${item.levels.join(' and ')} level, not at the ${list.level} level`] });
    }
    if (list.kind === 'negative' && entry.admitted !== undefined) problems.push({ field: `${field}.admitted`, messages: ['is not given on a negative list: every entry there is never pushed down'] });
  });
  remove.forEach((code, i) => {
    if (seen.has(code)) problems.push({ field: `remove[${i}]`, messages: [`item ${code} is also in put`] });
    else if (!onDraft.has(code)) problems.push({ field: `remove[${i}]`, messages: [`item ${code} is not on the draft`] });
  });
  const size = new Set([...onDraft, ...seen]).size - remove.filter((code) => onDraft.has(code) && !seen.has(code)).length;
  if (size > MAX_LIST_ENTRIES) problems.push({ field: 'put', messages: [`the list would hold ${size} entries, over the limit of ${MAX_LIST_ENTRIES}`] });
  if (problems.length > 0) throw GridworkError.validation(problems);

  if (remove.length > 0) await em.query(`DELETE FROM list_entry WHERE version_id = $1 AND item_code = ANY ($2)`, [draft.id, remove]);
  if (put.length > 0) {
    await em.query(
      `INSERT INTO list_entry (version_id, item_code, admitted, note)
       SELECT $1, code, admitted, note FROM unnest($2::text[], $3::boolean[], $4::text[]) AS e(code, admitted, note)
       ON CONFLICT (version_id, item_code) DO UPDATE SET admitted = EXCLUDED.admitted, note = EXCLUDED.note`,
      [draft.id, put.map((e) => e.itemCode), put.map((e) => (list.kind === 'negative' ? false : (e.admitted ?? true))), put.map((e) => e.note ?? null)],
    );
  }
}
