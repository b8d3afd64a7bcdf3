import { registerDecorator, type ValidationOptions } from 'class-validator';
import { coordinatesProblem } from '../coordinates.js';

/*
 * GeoJSON (RFC 7946) as the grid service takes it: WGS-84 positions written
 * [longitude, latitude]. The shape checks here run where a request is parsed,
 * so a caller learns every structural fault at once; whether rings cross
 * themselves is checked by PostGIS in the service.
 */

export type Position = [number, number] | [number, number, number];
export interface PolygonGeometry {
  type: 'Polygon';
  coordinates: Position[][];
}
export interface MultiPolygonGeometry {
  type: 'MultiPolygon';
  coordinates: Position[][][];
}
/** An area's boundary. */
export type Boundary = PolygonGeometry | MultiPolygonGeometry;

/** [west, south, east, north] in degrees: what events carry instead of whole boundaries. */
export type BoundingBox = [number, number, number, number];

/** Most positions one boundary may have; a city's most detailed grid has a few thousand. */
export const MAX_BOUNDARY_POSITIONS = 50_000;

function positionProblem(position: unknown, where: string): string | undefined {
  if (!Array.isArray(position) || position.length < 2 || position.length > 3) {
    return `${where} must be [longitude, latitude]`;
  }
  if (!position.every((n) => typeof n === 'number' && Number.isFinite(n))) return `${where} must hold finite numbers`;
  const [longitude, latitude] = position as number[];
  return coordinatesProblem(longitude!, latitude!, `${where} [${longitude}, ${latitude}]`);
}

function ringProblems(ring: unknown, where: string, out: string[]): number {
  if (!Array.isArray(ring)) {
    out.push(`${where} must be an array of positions`);
    return 0;
  }
  if (ring.length < 4) out.push(`${where} has ${ring.length} positions; a ring needs at least 4`);
  const before = out.length;
  ring.forEach((position, i) => {
    const problem = positionProblem(position, `${where} position ${i}`);
    if (problem && out.length - before < 3) out.push(problem);
  });
  if (out.length === before && ring.length >= 4) {
    const first = ring[0] as number[];
    const last = ring[ring.length - 1] as number[];
    if (first[0] !== last[0] || first[1] !== last[1]) {
      out.push(`${where} is not closed: its first position [${first.join(', ')}] differs from its last [${last.join(', ')}]`);
    }
  }
  return ring.length;
}

function polygonProblems(rings: unknown, where: string, out: string[]): number {
  if (!Array.isArray(rings) || rings.length === 0) {
    out.push(`${where} must be a non-empty array of rings`);
    return 0;
  }
  return rings.reduce<number>((count, ring, i) => count + ringProblems(ring, `${where} ring ${i}`, out), 0);
}

/**
 * Every structural fault of a boundary: wrong type, unclosed or short rings,
 * positions out of range or written [latitude, longitude]. Empty when sound.
 */
export function boundaryProblems(value: unknown): string[] {
  const out: string[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['must be a GeoJSON Polygon or MultiPolygon object'];
  const { type, coordinates } = value as { type?: unknown; coordinates?: unknown };
  let positions = 0;
  if (type === 'Polygon') {
    positions = polygonProblems(coordinates, 'polygon', out);
  } else if (type === 'MultiPolygon') {
    if (!Array.isArray(coordinates) || coordinates.length === 0) return ['coordinates must be a non-empty array of polygons'];
    coordinates.forEach((polygon, i) => (positions += polygonProblems(polygon, `polygon ${i}`, out)));
  } else {
    return [`type must be Polygon or MultiPolygon, not ${JSON.stringify(type)}`];
  }
  const extra = Object.keys(value).filter((key) => !['type', 'coordinates', 'bbox'].includes(key));
  if (extra.length > 0) out.push(`unexpected members: ${extra.join(', ')}`);
  if (positions > MAX_BOUNDARY_POSITIONS) out.push(`has ${positions} positions, over the limit of ${MAX_BOUNDARY_POSITIONS}`);
  return out;
}

const POSITION_SCHEMA = { type: 'array', minItems: 2, maxItems: 3, items: { type: 'number' }, description: '[longitude, latitude] in WGS-84 degrees' };
const POLYGON_RINGS_SCHEMA = { type: 'array', minItems: 1, items: { type: 'array', minItems: 4, items: POSITION_SCHEMA } };

/** The JSON Schema of a boundary, for the AsyncAPI document. */
export const BOUNDARY_SCHEMA = {
  description: 'GeoJSON Polygon or MultiPolygon, WGS-84 [longitude, latitude], rings closed; self-intersecting rings are refused',
  oneOf: [
    { type: 'object', required: ['type', 'coordinates'], properties: { type: { const: 'Polygon' }, coordinates: POLYGON_RINGS_SCHEMA } },
    { type: 'object', required: ['type', 'coordinates'], properties: { type: { const: 'MultiPolygon' }, coordinates: { type: 'array', minItems: 1, items: POLYGON_RINGS_SCHEMA } } },
  ],
};

/** Validates a property as a boundary; the error message lists every fault. */
export function IsBoundary(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isBoundary',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => boundaryProblems(value).length === 0,
        defaultMessage: (args) => `${args?.property} is not a sound boundary: ${boundaryProblems(args?.value).join('; ')}`,
      },
    });
  };
}
