import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { defineEndpoint, defineEvent } from '../definitions.js';
import { ErrorCode } from '../errors.js';
import { AREA_CODE, AREA_CODE_OPTIONS } from './areas.js';
import { IsBoundary, type Boundary } from './geojson.js';

/*
 * Many networks into one (多网融合): the specialized grids of other networks
 * are mapped onto base grids, and the mapping is queried both ways.
 */

export const NETWORKS = ['party-building', 'security', 'city-management', 'emergency', 'health'] as const;
export type Network = (typeof NETWORKS)[number];


export class NetworkGrid {
  @IsIn(NETWORKS) network: Network;
  @IsString() code: string;
  @IsString() name: string;
  /** The active base grids it is mapped onto, by code. */
  @IsArray() @IsString({ each: true }) baseGridCodes: string[];
}

export class MapNetworkGridRequest {
  @IsIn(NETWORKS) network: Network;
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) code: string;
  @IsString() @Length(1, 100) name: string;
  /** The base grids it covers. Give these, or a boundary to map it onto the grids it overlaps. */
  @IsOptional() @IsArray() @ArrayMaxSize(500) @Matches(AREA_CODE, { each: true, ...AREA_CODE_OPTIONS }) baseGridCodes?: string[];
  /** Mapped onto every active base grid that it covers by at least half of the base grid's area. */
  @IsOptional() @IsBoundary() boundary?: Boundary;
}

export class GetNetworkGridRequest {
  @IsIn(NETWORKS) network: Network;
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) code: string;
}

export class NetworkGridsOfBaseGridRequest {
  @Matches(AREA_CODE, AREA_CODE_OPTIONS) gridCode: string;
  @IsOptional() @IsIn(NETWORKS) network?: Network;
}

export class NetworkGridRef {
  @IsIn(NETWORKS) network: Network;
  @IsString() code: string;
  @IsString() name: string;
}

export class NetworkGridsOfBaseGridReply {
  @IsString() gridCode: string;
  @ValidateNested({ each: true }) @Type(() => NetworkGridRef) items: NetworkGridRef[];
}

const service = 'grid';
const aggregate = 'network-grid';

export const networkGridSubjects = {
  map: defineEndpoint({
    service,
    aggregate,
    action: 'map',
    summary: "Registers a specialized network's grid, or replaces its mapping, onto base grids (by code or by boundary).",
    request: MapNetworkGridRequest,
    reply: NetworkGrid,
    errors: [ErrorCode.NOT_FOUND],
  }),
  get: defineEndpoint({
    service,
    aggregate,
    action: 'get',
    summary: 'A specialized grid and the base grids it maps onto.',
    request: GetNetworkGridRequest,
    reply: NetworkGrid,
    errors: [ErrorCode.NOT_FOUND],
    departments: true,
  }),
  ofBaseGrid: defineEndpoint({
    service,
    aggregate,
    action: 'of-base-grid',
    summary: "The specialized grids of every network (or one) mapped onto a base grid.",
    request: NetworkGridsOfBaseGridRequest,
    reply: NetworkGridsOfBaseGridReply,
    errors: [ErrorCode.NOT_FOUND],
    departments: true,
  }),
  mapped: defineEvent({
    service,
    aggregate,
    event: 'mapped',
    summary: 'A specialized grid was registered or its mapping onto base grids changed.',
    payload: NetworkGrid,
  }),
};
