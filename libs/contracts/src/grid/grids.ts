import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { defineEndpoint, defineEvent } from '../definitions.js';
import { ErrorCode } from '../errors.js';
import { AREA_CODE, AREA_CODE_OPTIONS } from './areas.js';
import { IsBoundary, type Boundary, type BoundingBox } from './geojson.js';
import { WorkerAssignment } from './workers.js';
import { WithinAreas } from './areas.js';

/*
 * Base grids (标准基础网格): the leaves of the area tree, each with a boundary,
 * residents, households, its community and the party branch covering it.
 * Splits and merges retire grids and keep the lineage. They also end the
 * retired grids' worker assignments (the reply and event list them) and move
 * other networks' mappings to the new grids; the workers serve a new grid
 * only when the request carries their assignments over.
 */


export class GridSummary {
  @IsString() code: string;
  @IsString() name: string;
  @IsString() communityCode: string;
  /** Codes from the city down to the grid. */
  @IsArray() @IsString({ each: true }) path: string[];
  @IsInt() population: number;
  @IsInt() households: number;
  /** The `org` party organization (branch) covering the grid. */
  @IsOptional() @IsString() branchOrgId?: string;
  @IsArray() @IsNumber({}, { each: true }) bbox: BoundingBox;
  /** Area of the boundary in square metres. */
  @IsNumber() areaSquareMetres: number;
  @IsOptional() @IsString() retiredAt?: string;
}

export class Grid extends GridSummary {
  @IsOptional() @IsObject() boundary?: Boundary;
}

export class CreateGridRequest {
  /** The areas the caller acts within (the gateway sets them from the sign-in): FORBIDDEN when the community lies outside all of them. */
  @WithinAreas() withinAreas?: string[];
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) code: string;
  @IsString() @Length(1, 100) name: string;
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) communityCode: string;
  @IsBoundary() boundary: Boundary;
  @IsInt() @Min(0) population: number;
  @IsInt() @Min(0) households: number;
  @IsOptional() @IsUUID() branchOrgId?: string;
}

export class UpdateGridRequest {
  /** The areas the caller acts within (the gateway sets them from the sign-in): FORBIDDEN when the grid lies outside all of them. */
  @WithinAreas() withinAreas?: string[];
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) code: string;
  @IsOptional() @IsString() @Length(1, 100) name?: string;
  @IsOptional() @IsBoundary() boundary?: Boundary;
  @IsOptional() @IsInt() @Min(0) population?: number;
  @IsOptional() @IsInt() @Min(0) households?: number;
  /** A branch id, or null to record that no branch covers the grid yet. */
  @IsOptional() @ValidateIf((_, value) => value !== null) @IsUUID() branchOrgId?: string | null;
}

export class GetGridRequest {
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) code: string;
  @IsOptional() @IsBoolean() withBoundary?: boolean;
}

export class ListGridsRequest {
  /** Grids anywhere under this area (district, township or community). */
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) areaCode: string;
  @IsOptional() @IsBoolean() includeRetired?: boolean;
  @IsOptional() @IsString() after?: string;
  @IsOptional() @IsInt() @Min(1) @Max(1000) limit?: number;
}

export class GridPage {
  @ValidateNested({ each: true }) @Type(() => GridSummary) items: GridSummary[];
  @IsOptional() @IsString() nextAfter?: string;
}

export class GridPart {
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) code: string;
  @IsString() @Length(1, 100) name: string;
  @IsBoundary() boundary: Boundary;
  @IsInt() @Min(0) population: number;
  @IsInt() @Min(0) households: number;
  @IsOptional() @IsUUID() branchOrgId?: string;
}

export class SplitGridRequest {
  /** The areas the caller acts within (the gateway sets them from the sign-in): FORBIDDEN when the grid lies outside all of them. */
  @WithinAreas() withinAreas?: string[];
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) code: string;
  /**
   * The new grids; together they must cover the old boundary without
   * overlapping, and their residents and households add up to the old grid's.
   */
  @IsArray() @ArrayMinSize(2) @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => GridPart) parts: GridPart[];
  @IsString() @Length(1, 500) reason: string;
  /**
   * One of the parts' codes: the old grid's workers and head serve that part
   * from the day of the split, in the same roles. Without it their
   * assignments end and the new grids have no worker until assigned.
   */
  @IsOptional() @Matches(AREA_CODE, AREA_CODE_OPTIONS) carryAssignmentsTo?: string;
}

export class MergedGrid {
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) code: string;
  @IsString() @Length(1, 100) name: string;
  @IsOptional() @IsUUID() branchOrgId?: string;
}

export class MergeGridsRequest {
  /** Active grids of one community; residents and households are summed, boundaries united. */
  @IsArray() @ArrayMinSize(2) @ArrayMaxSize(50) @Matches(AREA_CODE, { each: true, ...AREA_CODE_OPTIONS }) codes: string[];
  @IsDefined() @ValidateNested() @Type(() => MergedGrid) into: MergedGrid;
  @IsString() @Length(1, 500) reason: string;
  /**
   * The merged grids' workers and head serve the new grid from the day of the
   * merge, in the same roles (a worker of several grids once, as head if
   * head of one). CONFLICT, naming them, when more than one grid has a head.
   * Without it their assignments end and the new grid has no worker.
   */
  @IsOptional() @IsBoolean() carryAssignments?: boolean;
}

export class GridReshaped {
  /** `split`: one grid became `to`; `merge`: the grids in `from` became one. */
  @IsIn(['split', 'merge']) kind: 'split' | 'merge';
  @IsArray() @IsString({ each: true }) from: string[];
  @IsDefined() @ValidateNested({ each: true }) @Type(() => GridSummary) to: GridSummary[];
  @IsString() reason: string;
  @IsString() at: string;
  /**
   * The retired grids' assignments that the reshape ended, `endedOn` the day
   * of the reshape (one not yet begun is cancelled: `endedOn` is its
   * `startedOn`). Each is also announced by `worker.assignment-ended`.
   */
  @IsDefined() @ValidateNested({ each: true }) @Type(() => WorkerAssignment) endedAssignments: WorkerAssignment[];
  /** The assignments carried over to a new grid, when the request asked; each also announced by `worker.assigned`. */
  @IsDefined() @ValidateNested({ each: true }) @Type(() => WorkerAssignment) carriedAssignments: WorkerAssignment[];
}

export class GridHistoryRequest {
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) code: string;
}

export class GridLineageEntry {
  @IsUUID() id: string;
  @IsIn(['split', 'merge']) kind: 'split' | 'merge';
  @IsArray() @IsString({ each: true }) from: string[];
  @IsArray() @IsString({ each: true }) to: string[];
  @IsString() reason: string;
  @IsString() at: string;
}

export class GridHistoryReply {
  @IsString() code: string;
  /** Splits and merges the grid came from or went into, oldest first, following the chain both ways. */
  @ValidateNested({ each: true }) @Type(() => GridLineageEntry) entries: GridLineageEntry[];
}

export class CheckCoverageRequest {
  /** A community: its active grids are checked against each other and against its boundary. */
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) communityCode: string;
  /** Overlaps and gaps smaller than this are ignored (slivers from digitising). Default 1 m². */
  @IsOptional() @IsNumber() @Min(0) toleranceSquareMetres?: number;
}

export class GridOverlap {
  @IsString() first: string;
  @IsString() second: string;
  @IsNumber() areaSquareMetres: number;
  @IsArray() @IsNumber({}, { each: true }) bbox: BoundingBox;
}

export class CoverageGap {
  @IsNumber() areaSquareMetres: number;
  @IsArray() @IsNumber({}, { each: true }) bbox: BoundingBox;
}

export class CoverageReport {
  @IsString() communityCode: string;
  @IsInt() grids: number;
  @ValidateNested({ each: true }) @Type(() => GridOverlap) overlaps: GridOverlap[];
  /** Parts of the community no grid covers; empty and `communityHasBoundary` false when it has no boundary. */
  @ValidateNested({ each: true }) @Type(() => CoverageGap) gaps: CoverageGap[];
  @IsBoolean() communityHasBoundary: boolean;
  /** Grids reaching outside the community's boundary, with the area outside. */
  @ValidateNested({ each: true }) @Type(() => CoverageGap) outside: CoverageGap[];
}

export class GridChanged {
  @IsIn(['created', 'updated', 'retired']) change: 'created' | 'updated' | 'retired';
  @IsDefined() @ValidateNested() @Type(() => GridSummary) grid: GridSummary;
}

const service = 'grid';
const aggregate = 'grid';

export const gridSubjects = {
  create: defineEndpoint({
    service,
    aggregate,
    action: 'create',
    summary:
      'Adds a base grid with its boundary, residents and households under a community; a boundary overlapping an active sibling grid ' +
      'or reaching outside the community is refused, naming each overlap and its area.',
    request: CreateGridRequest,
    reply: Grid,
    errors: [ErrorCode.CONFLICT, ErrorCode.NOT_FOUND],
  }),
  update: defineEndpoint({
    service,
    aggregate,
    action: 'update',
    summary: "Changes a grid's name, boundary, residents, households or covering branch.",
    request: UpdateGridRequest,
    reply: Grid,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT],
  }),
  get: defineEndpoint({
    service,
    aggregate,
    action: 'get',
    summary: 'One grid, optionally with its boundary; retired grids too.',
    request: GetGridRequest,
    reply: Grid,
    errors: [ErrorCode.NOT_FOUND],
    departments: true,
  }),
  list: defineEndpoint({
    service,
    aggregate,
    action: 'list',
    summary: 'Grids under an area, by code, paged.',
    request: ListGridsRequest,
    reply: GridPage,
    errors: [ErrorCode.NOT_FOUND],
    departments: true,
  }),
  split: defineEndpoint({
    service,
    aggregate,
    action: 'split',
    summary:
      'Splits a grid into new grids that cover it exactly and share its residents and households; the old grid is retired, ' +
      'its assignments end (or move to one part with carryAssignmentsTo), its network mappings move to the parts, and the lineage is kept.',
    request: SplitGridRequest,
    reply: GridReshaped,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT],
  }),
  merge: defineEndpoint({
    service,
    aggregate,
    action: 'merge',
    summary:
      'Merges touching grids of one community into a new grid; the old grids are retired, their assignments end ' +
      '(or move to the new grid with carryAssignments), their network mappings move to it, and the lineage is kept.',
    request: MergeGridsRequest,
    reply: GridReshaped,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT],
  }),
  history: defineEndpoint({
    service,
    aggregate,
    action: 'history',
    summary: 'The splits and merges a grid came from and went into.',
    request: GridHistoryRequest,
    reply: GridHistoryReply,
    errors: [ErrorCode.NOT_FOUND],
    departments: true,
  }),
  checkCoverage: defineEndpoint({
    service,
    aggregate,
    action: 'check-coverage',
    summary: "Overlaps between a community's grids, gaps they leave in it, and grids reaching outside it.",
    request: CheckCoverageRequest,
    reply: CoverageReport,
    errors: [ErrorCode.NOT_FOUND],
  }),
  changed: defineEvent({
    service,
    aggregate,
    event: 'changed',
    summary: 'A grid was created, changed or retired (bounding box, not geometry).',
    payload: GridChanged,
  }),
  reshaped: defineEvent({
    service,
    aggregate,
    event: 'reshaped',
    summary: 'A grid was split or grids were merged: the retired codes, the grids that replace them, and the assignments ended and carried over.',
    payload: GridReshaped,
  }),
};

