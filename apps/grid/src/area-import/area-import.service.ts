import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Objm, type ObjectStore } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/nats-core';
import { DataSource, type EntityManager } from 'typeorm';
import {
  AREA_IMPORT_BUCKET,
  AREA_IMPORT_BUCKET_OPTIONS,
  AREA_LEVELS,
  GridworkError,
  ImportedAreaProperties,
  MAX_IMPORT_FEATURES,
  MAX_REPORTED_REJECTIONS,
  boundaryProblems,
  parentLevelOf,
  subjects,
  validateMessage,
  type AreaLevel,
  type Boundary,
  type ImportAreasReply,
  type ImportAreasRequest,
  type RejectedFeature,
} from '@gridwork/contracts';
import { MESSAGING_OPTIONS, NATS_CONNECTION, publishAllInTransaction, publishInTransaction, type MessagingOptions } from '@gridwork/messaging';
import { newId } from '@gridwork/persistence';
import { areaColumns, toAreaSummary, type AreaRow } from '../areas/area.rows.js';
import { AreasService } from '../areas/areas.service.js';
import { gridSummaryOf } from '../grids/grid.rows.js';
import { GridsService } from '../grids/grids.service.js';
import { topologyProblems } from '../spatial/boundaries.js';

/** Largest GeoJSON file the import reads from the object store. */
export const MAX_IMPORT_BYTES = 512 * 1024 * 1024;
/** An import storing at least this many areas refreshes the planner's statistics. */
const ANALYZE_AFTER = 1_000;
/** Rows per INSERT when storing an import. */
const INSERT_BATCH = 1_000;

interface Candidate {
  index: number;
  properties: ImportedAreaProperties;
  boundary: Boundary | null;
  reasons: string[];
  path?: string[];
}

/**
 * Bulk import of an area tree from GeoJSON: every feature is checked (its
 * properties, its geometry's shape and topology, its parent and code), the
 * sound ones are stored in one transaction and the rest reported with why.
 * A feature whose parent is refused is refused too, so no orphan is stored.
 * It stores areas and grids through their owners, AreasService and
 * GridsService, which is why it sits above both rather than in areas/.
 */
@Injectable()
export class AreaImportService implements OnModuleInit {
  private bucket?: ObjectStore;

  constructor(
    private readonly dataSource: DataSource,
    private readonly areas: AreasService,
    private readonly grids: GridsService,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    // Created here so a department system can upload before its first import.
    this.bucket = await new Objm(this.nc).create(AREA_IMPORT_BUCKET, { ...AREA_IMPORT_BUCKET_OPTIONS, replicas: this.options.streamReplicas });
  }

  async import(request: ImportAreasRequest): Promise<ImportAreasReply> {
    const features = await this.featuresOf(request);
    const checked = await Promise.all(features.map((feature, index) => checkFeature(index, { ...(feature as object) })));
    const reply = await this.dataSource.transaction(async (em) => {
      await checkTopology(em, checked);
      await checkTree(em, checked);
      const accepted = checked.filter((candidate) => candidate.reasons.length === 0);
      const rejected = checked.filter((candidate) => candidate.reasons.length > 0).map(rejectionOf);
      const imported = countByLevel(accepted);
      if (!request.dryRun && accepted.length > 0) {
        await this.store(em, accepted);
        await publishInTransaction(em, subjects.grid.area.imported, {
          count: accepted.length,
          imported,
          rejected: rejected.length,
          ...(request.objectName ? { objectName: request.objectName } : {}),
        });
      }
      const reply: ImportAreasReply = {
        received: features.length,
        imported,
        rejected: rejected.slice(0, MAX_REPORTED_REJECTIONS),
        rejectedCount: rejected.length,
        dryRun: request.dryRun ?? false,
      };
      if (rejected.length > MAX_REPORTED_REJECTIONS) reply.reportObjectName = await this.saveReport(request, rejected);
      return reply;
    });
    // A city's worth of new rows: give the planner statistics now rather than when autovacuum gets round to it
    // (without them, reports over the new tree were planned as if the tables were empty).
    const stored = Object.values(reply.imported).reduce((sum, n) => sum + n, 0);
    if (!reply.dryRun && stored >= ANALYZE_AFTER) await this.dataSource.query(`ANALYZE area, grid`);
    return reply;
  }

  /**
   * Stores the accepted features top-down in batches (area rows, then the
   * grid rows of the grids among them) and announces each area or grid.
   * A code stored meanwhile by another change fails the whole import.
   */
  private async store(em: EntityManager, accepted: Candidate[]): Promise<void> {
    const ordered = [...accepted].sort((a, b) => a.path!.length - b.path!.length);
    for (let start = 0; start < ordered.length; start += INSERT_BATCH) {
      const batch = ordered.slice(start, start + INSERT_BATCH);
      const areaRows = await this.areas.insert(
        em,
        batch.map(({ properties, path, boundary }) => ({
          code: properties.code,
          name: properties.name,
          level: properties.level,
          parentCode: properties.parentCode ?? null,
          path: path!,
          boundary: boundary ? JSON.stringify(boundary) : null,
        })),
        { existing: 'fail' },
      );
      const gridRows = await this.grids.insertGridRows(
        em,
        batch
          .filter((candidate) => candidate.properties.level === 'grid')
          .map(({ properties }) => ({
            code: properties.code,
            communityCode: properties.parentCode!,
            population: properties.population!,
            households: properties.households!,
            branchOrgId: properties.branchOrgId,
          })),
      );
      await publishAllInTransaction(em, [
        {
          event: subjects.grid.area.changed,
          payloads: areaRows.filter((row) => row.level !== 'grid').map((row) => ({ change: 'created' as const, area: toAreaSummary(row) })),
        },
        { event: subjects.grid.grid.changed, payloads: gridRows.map((row) => ({ change: 'created' as const, grid: gridSummaryOf(row) })) },
      ]);
    }
  }

  private async featuresOf(request: ImportAreasRequest): Promise<unknown[]> {
    if ((request.featureCollection === undefined) === (request.objectName === undefined)) {
      const message = 'send exactly one of featureCollection and objectName';
      throw GridworkError.validation([
        { field: 'featureCollection', messages: [message] },
        { field: 'objectName', messages: [message] },
      ]);
    }
    const field = request.objectName !== undefined ? 'objectName' : 'featureCollection';
    const collection = request.featureCollection ?? (await this.download(request.objectName!));
    const { type, features } = collection as { type?: unknown; features?: unknown };
    if (type !== 'FeatureCollection' || !Array.isArray(features)) {
      throw GridworkError.validation([{ field, messages: [`${field} must be a GeoJSON FeatureCollection with a features array`] }]);
    }
    if (features.length > MAX_IMPORT_FEATURES) {
      throw GridworkError.validation([{ field, messages: [`${features.length} features, over the limit of ${MAX_IMPORT_FEATURES} per import`] }]);
    }
    return features;
  }

  /** The full list of rejected features, kept beside the uploads for the caller to fetch. */
  private async saveReport(request: ImportAreasRequest, rejected: RejectedFeature[]): Promise<string> {
    const name = `reports/${request.objectName ?? 'inline'}-${newId()}.json`;
    await this.bucket!.putBlob({ name }, new TextEncoder().encode(JSON.stringify({ objectName: request.objectName, rejected })));
    return name;
  }

  private async download(name: string): Promise<unknown> {
    const info = await this.bucket!.info(name);
    if (!info || info.deleted) throw GridworkError.notFound(`object ${name} in bucket ${AREA_IMPORT_BUCKET}`);
    if (info.size > MAX_IMPORT_BYTES) {
      throw GridworkError.validation([{ field: 'objectName', messages: [`${name} is ${info.size} bytes, over the limit of ${MAX_IMPORT_BYTES}`] }]);
    }
    const bytes = await this.bucket!.getBlob(name);
    if (!bytes) throw GridworkError.notFound(`object ${name} in bucket ${AREA_IMPORT_BUCKET}`);
    try {
      return JSON.parse(new TextDecoder().decode(bytes));
    } catch (error) {
      throw GridworkError.validation([{ field: 'objectName', messages: [`${name} is not JSON: ${(error as Error).message}`] }]);
    }
  }
}

/** Checks a feature on its own: its shape, properties and geometry's structure. */
async function checkFeature(index: number, feature: { type?: unknown; properties?: unknown; geometry?: unknown }): Promise<Candidate> {
  const reasons: string[] = [];
  if (feature.type !== 'Feature') reasons.push('type must be Feature');
  let properties = feature.properties as ImportedAreaProperties;
  try {
    properties = await validateMessage(ImportedAreaProperties, feature.properties ?? {});
  } catch (error) {
    if (!(error instanceof GridworkError)) throw error;
    for (const detail of error.details ?? []) reasons.push(`properties.${detail.field}: ${detail.messages.join('; ')}`);
  }
  const level = properties?.level;
  let boundary: Boundary | null = null;
  if (feature.geometry === null || feature.geometry === undefined) {
    if (level === 'grid') reasons.push('geometry: a grid needs a boundary');
  } else {
    const problems = boundaryProblems(feature.geometry);
    if (problems.length > 0) reasons.push(...problems.map((problem) => `geometry: ${problem}`));
    else boundary = feature.geometry as Boundary;
  }
  if (level === 'grid' && properties.population === undefined) reasons.push('properties.population: a grid needs its resident population');
  if (level === 'grid' && properties.households === undefined) reasons.push('properties.households: a grid needs its households');
  return { index, properties: typeof properties === 'object' && properties !== null ? properties : ({} as ImportedAreaProperties), boundary, reasons };
}

/** Self-intersections and other invalid polygons, found by PostGIS. */
async function checkTopology(em: EntityManager, candidates: Candidate[]): Promise<void> {
  const withBoundary = candidates.filter((candidate) => candidate.boundary && candidate.reasons.length === 0);
  const problems = await topologyProblems(em, withBoundary.map((candidate) => candidate.boundary!));
  withBoundary.forEach((candidate, i) => {
    if (problems[i]) candidate.reasons.push(`geometry: not a valid polygon: ${problems[i]}`);
  });
}

/**
 * Codes and parents: a code used again later in the file is refused there,
 * and its first feature is judged on its own (a file written twice over, or
 * a copy pasted at the end, keeps the first); a code already stored is
 * refused; a parent must exist (in the file or stored), be of the level above
 * and itself be accepted. Paths are worked out on the way down.
 */
async function checkTree(em: EntityManager, candidates: Candidate[]): Promise<void> {
  const byCode = new Map<string, Candidate[]>();
  for (const candidate of candidates) {
    const code = candidate.properties.code;
    if (typeof code === 'string') byCode.set(code, [...(byCode.get(code) ?? []), candidate]);
  }
  for (const [code, same] of byCode) {
    for (const later of same.slice(1)) later.reasons.push(`duplicate code ${code}: feature ${same[0]!.index} has it first`);
  }
  const parentCodes = candidates.map((c) => c.properties.parentCode).filter((code): code is string => typeof code === 'string');
  const stored = await storedAreas(em, [...byCode.keys()], [...new Set(parentCodes)]);
  for (const candidate of candidates) {
    if (typeof candidate.properties.code === 'string' && stored.has(candidate.properties.code)) {
      candidate.reasons.push(`code ${candidate.properties.code} already exists`);
    }
  }
  // Top-down, so a parent's verdict and path are known before its children's.
  const ordered = candidates
    .filter((candidate) => AREA_LEVELS.includes(candidate.properties.level))
    .sort((a, b) => AREA_LEVELS.indexOf(a.properties.level) - AREA_LEVELS.indexOf(b.properties.level));
  for (const candidate of ordered) placeUnderParent(candidate, byCode, stored);
}

/** The stored areas among the file's codes and parent codes, read in slices that keep each query's arrays small. */
async function storedAreas(em: EntityManager, codes: string[], parentCodes: string[]): Promise<Map<string, AreaRow>> {
  const stored = new Map<string, AreaRow>();
  for (let start = 0; start < Math.max(codes.length, parentCodes.length); start += 10_000) {
    const rows = await em.query<AreaRow[]>(`SELECT ${areaColumns()} FROM area a WHERE code = ANY ($1) OR code = ANY ($2)`, [
      codes.slice(start, start + 10_000),
      parentCodes.slice(start, start + 10_000),
    ]);
    for (const row of rows) stored.set(row.code, row);
  }
  return stored;
}

/** Gives the candidate its path under its parent (in the file or stored), or says why it has none. */
function placeUnderParent(candidate: Candidate, byCode: Map<string, Candidate[]>, stored: Map<string, AreaRow>): void {
  const { code, level, parentCode } = candidate.properties;
  const expected = parentLevelOf(level);
  if (!expected) {
    if (parentCode) candidate.reasons.push('properties.parentCode: a city has no parent');
    candidate.path = [code];
    return;
  }
  if (!parentCode) {
    candidate.reasons.push(`properties.parentCode: a ${level} needs its ${expected}`);
    return;
  }
  const inFile = byCode.get(parentCode);
  const parentStored = stored.get(parentCode);
  if (inFile && inFile.length === 1 && !parentStored) {
    const parent = inFile[0]!;
    if (parent.properties.level !== expected) candidate.reasons.push(`parent ${parentCode} is a ${parent.properties.level}; a ${level}'s parent must be a ${expected}`);
    else if (parent.reasons.length > 0) candidate.reasons.push(`parent ${parentCode} was rejected`);
    else candidate.path = [...parent.path!, code];
  } else if (parentStored) {
    if (parentStored.level !== expected) candidate.reasons.push(`parent ${parentCode} is a ${parentStored.level}; a ${level}'s parent must be a ${expected}`);
    else if (parentStored.retired_at) candidate.reasons.push(`parent ${parentCode} is retired`);
    else candidate.path = [...parentStored.path, code];
  } else if (inFile) {
    candidate.reasons.push(`parent ${parentCode} was rejected`);
  } else {
    candidate.reasons.push(`unknown parent ${parentCode}`);
  }
}

/** How many accepted features there are of each level. */
function countByLevel(accepted: Candidate[]): Record<AreaLevel, number> {
  const imported = Object.fromEntries(AREA_LEVELS.map((level) => [level, 0])) as Record<AreaLevel, number>;
  for (const candidate of accepted) imported[candidate.properties.level]++;
  return imported;
}

const rejectionOf = (candidate: Candidate): RejectedFeature => ({
  index: candidate.index,
  ...(candidate.properties?.code ? { code: candidate.properties.code } : {}),
  reasons: candidate.reasons,
});
