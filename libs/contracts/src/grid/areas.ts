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
  ValidateNested,
} from 'class-validator';
import { IsPointLatitude, IsPointLongitude } from '../coordinates.js';
import { defineEndpoint, defineEvent } from '../definitions.js';
import { ErrorCode } from '../errors.js';
import { IsBoundary, type Boundary, type BoundingBox } from './geojson.js';

/*
 * The platform's one area tree (五级联动): city → district → township/street →
 * village/community → grid. Every other service refers to areas by code.
 */

export const AREA_LEVELS = ['city', 'district', 'township', 'community', 'grid'] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];

/** The level an area's parent must have; a city has none. */
export const parentLevelOf = (level: AreaLevel): AreaLevel | undefined => AREA_LEVELS[AREA_LEVELS.indexOf(level) - 1];

/** Area codes: the administrative division code or the city's own grid code, e.g. `440106001001001`. */
export const AREA_CODE = /^[0-9A-Za-z][0-9A-Za-z-]{0,39}$/;
const AREA_CODE_MESSAGE = 'must be 1-40 letters, digits or dashes, starting with a letter or digit';
/** class-validator options for a field holding an area code: `@Matches(AREA_CODE, AREA_CODE_OPTIONS)`. */
export const AREA_CODE_OPTIONS = { message: `$property ${AREA_CODE_MESSAGE}` };

/** Most areas one person's sign-in holds grants in. */
export const MAX_WITHIN_AREAS = 20;

/**
 * The `withinAreas` field of a request that is about a place (or an actor's
 * `areas`, as dispatch's writes carry them): the areas the
 * caller acts within (the gateway sets them from the person's grants: an
 * area admin's community, a district dispatcher's district). The service
 * itself answers FORBIDDEN when the place the request is about lies outside
 * every one of them, and a list only what lies inside. Absent: anywhere
 * (the platform's own callers).
 *
 * One decorator for the one rule, so every service reads the caller's scope
 * the same way.
 */
/** Whether a place with this area path lies inside one of `areas` (a caller's scope); with none given, anywhere does. */
export const liesWithin = (path: readonly string[], areas: readonly string[] | undefined): boolean => !areas || areas.some((area) => path.includes(area));

export function WithinAreas(): PropertyDecorator {
  const rules = [
    IsOptional(),
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(MAX_WITHIN_AREAS),
    Matches(AREA_CODE, { each: true, message: 'each of $property must be an area code' }),
  ];
  return (target, property) => rules.forEach((rule) => rule(target, property));
}

export class AreaSummary {
  @IsString() code: string;
  @IsString() name: string;
  @IsIn(AREA_LEVELS) level: AreaLevel;
  @IsOptional() @IsString() parentCode?: string;
  /** Codes from the city down to this area, this area last. */
  @IsArray() @IsString({ each: true }) path: string[];
  /** [west, south, east, north] of the boundary, when the area has one. */
  @IsOptional() @IsArray() @IsNumber({}, { each: true }) bbox?: BoundingBox;
  /** Set when the area no longer exists (a grid split or merged away). */
  @IsOptional() @IsString() retiredAt?: string;
}

export class Area extends AreaSummary {
  @IsOptional() @IsObject() boundary?: Boundary;
}

export class CreateAreaRequest {
  /** The areas the caller acts within (the gateway sets them from the sign-in): FORBIDDEN when the parent area lies outside all of them. */
  @WithinAreas() withinAreas?: string[];
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) code: string;
  @IsString() @Length(1, 100) name: string;
  /** Grids are created with `grid.create`, which also takes their population. */
  @IsIn(['city', 'district', 'township', 'community']) level: Exclude<AreaLevel, 'grid'>;
  @IsOptional() @Matches(AREA_CODE, AREA_CODE_OPTIONS) parentCode?: string;
  @IsOptional() @IsBoundary() boundary?: Boundary;
}

export class UpdateAreaRequest {
  /** The areas the caller acts within (the gateway sets them from the sign-in): FORBIDDEN when the area lies outside all of them. */
  @WithinAreas() withinAreas?: string[];
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) code: string;
  @IsOptional() @IsString() @Length(1, 100) name?: string;
  @IsOptional() @IsBoundary() boundary?: Boundary;
}

export class GetAreaRequest {
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) code: string;
  /** Include the boundary geometry (it can be large). */
  @IsOptional() @IsBoolean() withBoundary?: boolean;
}

export class ListAreaChildrenRequest {
  /** The parent; omitted for the roots (cities). */
  @IsOptional() @Matches(AREA_CODE, AREA_CODE_OPTIONS) parentCode?: string;
  @IsOptional() @IsBoolean() includeRetired?: boolean;
  /** Start after this code (paging). */
  @IsOptional() @IsString() after?: string;
  @IsOptional() @IsInt() @Min(1) @Max(1000) limit?: number;
}

export class AreaPage {
  @ValidateNested({ each: true }) @Type(() => AreaSummary) items: AreaSummary[];
  /** Pass as `after` for the next page; absent on the last page. */
  @IsOptional() @IsString() nextAfter?: string;
}

/** The properties each imported GeoJSON feature carries. */
export class ImportedAreaProperties {
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) code: string;
  @IsString() @Length(1, 100) name: string;
  @IsIn(AREA_LEVELS) level: AreaLevel;
  /** Absent only for a city. The parent may come anywhere in the same file or already exist. */
  @IsOptional() @Matches(AREA_CODE, AREA_CODE_OPTIONS) parentCode?: string;
  /** Grids only: resident population and households. */
  @IsOptional() @IsInt() @Min(0) population?: number;
  @IsOptional() @IsInt() @Min(0) households?: number;
  /** Grids only: the `org` party organization (branch) covering the grid. */
  @IsOptional() @IsUUID() branchOrgId?: string;
}

export class ImportAreasRequest {
  /** A GeoJSON FeatureCollection sent inline; fine up to the request size limit (256 KiB). */
  @IsOptional() @IsObject() featureCollection?: { type: 'FeatureCollection'; features: unknown[] };
  /**
   * The name of a GeoJSON FeatureCollection put in the JetStream object store
   * bucket `GRID_IMPORTS` (`AREA_IMPORT_BUCKET`): the way to send a whole city.
   */
  @IsOptional() @IsString() @Length(1, 200) objectName?: string;
  /** Check everything and report, store nothing. */
  @IsOptional() @IsBoolean() dryRun?: boolean;
}

export const AREA_IMPORT_BUCKET = 'GRID_IMPORTS';
/** How the grid service makes that bucket (an uploader that gets there first makes it the same way): files are kept a week. */
export const AREA_IMPORT_BUCKET_OPTIONS = { ttl: 7 * 24 * 3600 * 1e9, description: 'GeoJSON files waiting to be imported by gov.grid.area.import' };
/** Most rejected features a reply lists (a reply must stay under NATS's 1 MiB message limit). */
export const MAX_REPORTED_REJECTIONS = 500;
/** Most features one import takes. */
export const MAX_IMPORT_FEATURES = 200_000;

export class RejectedFeature {
  /** Position of the feature in the collection. */
  @IsInt() index: number;
  @IsOptional() @IsString() code?: string;
  /** Why, e.g. `duplicate code`, `unknown parent 4401`, `boundary: Self-intersection[113.1 23.2]`. */
  @IsArray() @IsString({ each: true }) reasons: string[];
}

export class ImportAreasReply {
  @IsInt() received: number;
  /** Stored features per level (nothing when `dryRun`). */
  @IsObject() imported: Record<AreaLevel, number>;
  /** The first `MAX_REPORTED_REJECTIONS` rejected features; all of them are in `reportObjectName` when there are more. */
  @ValidateNested({ each: true }) @Type(() => RejectedFeature) rejected: RejectedFeature[];
  @IsInt() @Min(0) rejectedCount: number;
  /** When more features were rejected than a reply holds: the full report (JSON) in the GRID_IMPORTS bucket. */
  @IsOptional() @IsString() reportObjectName?: string;
  @IsBoolean() dryRun: boolean;
}

export class LocatePointRequest {
  @IsPointLongitude() longitude: number;
  @IsPointLatitude() latitude: number;
}

export class LocatePointReply {
  @IsNumber() longitude: number;
  @IsNumber() latitude: number;
  /** The active grid containing the point; absent when the point is outside every grid. */
  @IsOptional() @IsObject() @ValidateNested() @Type(() => AreaSummary) grid?: AreaSummary;
  /**
   * The areas containing the point from the city down (the grid last when
   * found). Outside every grid, the deepest areas whose boundaries hold it.
   */
  @ValidateNested({ each: true }) @Type(() => AreaSummary) areas: AreaSummary[];
  /**
   * The point lies on a border shared by several grids: on the edge of two or
   * more active grids. Not on a grid's outer edge that borders no other grid,
   * nor inside grids that overlap. Wherever several grids hold the point,
   * `grid` is the one with the lowest code.
   */
  @IsBoolean() onBorder: boolean;
}

export class AreaChanged {
  @IsIn(['created', 'updated']) change: 'created' | 'updated';
  @IsDefined() @IsObject() @ValidateNested() @Type(() => AreaSummary) area: AreaSummary;
}

export class AreasImported {
  @IsInt() @Min(0) count: number;
  @IsObject() imported: Record<AreaLevel, number>;
  @IsInt() @Min(0) rejected: number;
  @IsOptional() @IsString() objectName?: string;
}

const service = 'grid';
const aggregate = 'area';

export const areaSubjects = {
  create: defineEndpoint({
    service,
    aggregate,
    action: 'create',
    summary: 'Adds a city, district, township or community under its parent.',
    request: CreateAreaRequest,
    reply: Area,
    errors: [ErrorCode.CONFLICT, ErrorCode.NOT_FOUND],
  }),
  update: defineEndpoint({
    service,
    aggregate,
    action: 'update',
    summary: "Renames an area or replaces its boundary (a grid's other fields change with grid.update).",
    request: UpdateAreaRequest,
    reply: Area,
    errors: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT],
  }),
  get: defineEndpoint({
    service,
    aggregate,
    action: 'get',
    summary: 'One area with its path from the city, optionally with its boundary.',
    request: GetAreaRequest,
    reply: Area,
    errors: [ErrorCode.NOT_FOUND],
    departments: true,
  }),
  children: defineEndpoint({
    service,
    aggregate,
    action: 'children',
    summary: "An area's children by code (or the cities), paged.",
    request: ListAreaChildrenRequest,
    reply: AreaPage,
    errors: [ErrorCode.NOT_FOUND],
    departments: true,
  }),
  import: defineEndpoint({
    service,
    aggregate,
    action: 'import',
    summary:
      'Imports an area tree with boundaries from a GeoJSON FeatureCollection (inline or from the GRID_IMPORTS object store) in one transaction; reports each rejected feature and why.',
    request: ImportAreasRequest,
    reply: ImportAreasReply,
    errors: [ErrorCode.NOT_FOUND],
  }),
  locate: defineEndpoint({
    service,
    aggregate,
    action: 'locate',
    summary: 'Where is this? The grid and every ancestor area containing a WGS-84 point.',
    request: LocatePointRequest,
    reply: LocatePointReply,
    departments: true,
  }),
  changed: defineEvent({
    service,
    aggregate,
    event: 'changed',
    summary: 'An area was created, renamed or given a new boundary (the bounding box, not the geometry).',
    payload: AreaChanged,
  }),
  imported: defineEvent({
    service,
    aggregate,
    event: 'imported',
    summary: 'A bulk import committed; each stored area was also announced with area.changed or grid.changed.',
    payload: AreasImported,
  }),
};
