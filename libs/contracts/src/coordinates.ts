import { registerDecorator, type ValidationOptions } from 'class-validator';

/*
 * WGS-84 coordinates, checked the same way wherever a caller sends them: a
 * GeoJSON position, a [longitude, latitude] pair, or a point written as two
 * fields (`grid.area.locate`, `case.report`). Only JSON numbers count:
 * class-validator's IsLongitude also takes the string "113.26", which then
 * travelled on as a string in replies typed as numbers. A pair out of range
 * that would be in range the other way round is named as looking swapped,
 * the mistake callers make most.
 */

export const LONGITUDE_RANGE = [-180, 180] as const;
export const LATITUDE_RANGE = [-90, 90] as const;
const RANGES = `longitude ${LONGITUDE_RANGE[0]}..${LONGITUDE_RANGE[1]}, latitude ${LATITUDE_RANGE[0]}..${LATITUDE_RANGE[1]}`;

/** JSON Schemas of the checks below, for documents generated from the contracts. */
export const LONGITUDE_SCHEMA = { type: 'number', minimum: LONGITUDE_RANGE[0], maximum: LONGITUDE_RANGE[1] };
export const LATITUDE_SCHEMA = { type: 'number', minimum: LATITUDE_RANGE[0], maximum: LATITUDE_RANGE[1] };
export const LON_LAT_SCHEMA = { type: 'array', items: [LONGITUDE_SCHEMA, LATITUDE_SCHEMA], minItems: 2, maxItems: 2 };

const isDegrees = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const inRange = (longitude: number, latitude: number) => Math.abs(longitude) <= LONGITUDE_RANGE[1] && Math.abs(latitude) <= LATITUDE_RANGE[1];

/**
 * What is wrong with a longitude and latitude that are both numbers, or
 * undefined when nothing is: `[longitude, latitude]` names them in messages.
 */
export function coordinatesProblem(longitude: number, latitude: number, written = `[${longitude}, ${latitude}]`): string | undefined {
  if (inRange(longitude, latitude)) return undefined;
  if (inRange(latitude, longitude)) {
    return `${written} has latitude ${latitude} out of range (${RANGES}): positions are [longitude, latitude] and these look swapped`;
  }
  return `${written} is out of range (${RANGES})`;
}

/** A WGS-84 point written [longitude, latitude] as in GeoJSON. */
export type LonLat = [number, number];

/** What is wrong with a `[longitude, latitude]` pair. */
export function lonLatProblem(value: unknown): string | undefined {
  if (!Array.isArray(value) || value.length !== 2) return 'must be [longitude, latitude]';
  if (!value.every(isDegrees)) return 'must hold finite numbers';
  return coordinatesProblem(value[0] as number, value[1] as number);
}

export function IsLonLat(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isLonLat',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => lonLatProblem(value) === undefined,
        defaultMessage: (args) => `${args?.property} ${lonLatProblem(args?.value)}`,
      },
    });
}

type Axis = 'longitude' | 'latitude';

/** A point's field `axis`, checked with its sibling `other` so a swapped pair is named as such. */
function pointField(axis: Axis, other: string, value: unknown, object: object): string | undefined {
  const [low, high] = axis === 'longitude' ? LONGITUDE_RANGE : LATITUDE_RANGE;
  if (!isDegrees(value)) return `must be a number of degrees from ${low} to ${high}${typeof value === 'string' ? ', not a string' : ''}`;
  if (value >= low && value <= high) return undefined;
  const sibling = (object as Record<string, unknown>)[other];
  if (isDegrees(sibling)) {
    const [longitude, latitude] = axis === 'longitude' ? [value, sibling] : [sibling, value];
    if (inRange(latitude, longitude)) return `${value} is out of range (${low}..${high}): ${other} ${sibling} and ${axis} ${value} look swapped`;
  }
  return `${value} is out of range (${low}..${high})`;
}

function pointDecorator(axis: Axis, other: string, options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: `isPoint${axis === 'longitude' ? 'Longitude' : 'Latitude'}`,
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown, args) => pointField(axis, other, value, args!.object) === undefined,
        defaultMessage: (args) => `${args!.property} ${pointField(axis, other, args!.value, args!.object)}`,
      },
    });
}

/** A point's longitude in degrees, a JSON number from -180 to 180; `latitude` names the sibling field. */
export const IsPointLongitude = (latitude = 'latitude', options?: ValidationOptions) => pointDecorator('longitude', latitude, options);
/** A point's latitude in degrees, a JSON number from -90 to 90; `longitude` names the sibling field. */
export const IsPointLatitude = (longitude = 'longitude', options?: ValidationOptions) => pointDecorator('latitude', longitude, options);
