import { createRequire } from 'node:module';
import { ValidationTypes, getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata.js';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import {
  BOUNDARY_SCHEMA,
  LATITUDE_SCHEMA,
  LON_LAT_SCHEMA,
  LONGITUDE_SCHEMA,
  RESIDENT_ID_NUMBER_SCHEMA,
  ROUTE_SCHEMA,
} from '@gridwork/contracts';
import { fieldDoc, readClassDocs, type ClassDocs } from './field-docs.js';

export { contractsSourceDir } from './field-docs.js';

/*
 * JSON Schemas of every message class loaded in this process, from their
 * class-validator rules, with the classes' and fields' doc comments: the
 * AsyncAPI document (contracts) and the OpenAPI document (gateway) both
 * take their schemas from here.
 */

// class-transformer keeps nested-type metadata (@Type) in a storage it does not
// export from its entry point; the schema generator needs it to follow nesting.
const { defaultMetadataStorage } = createRequire(import.meta.url)('class-transformer/cjs/storage.js');

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** JSON Schemas of our own validators (`registerDecorator`), by validator name. */
const CUSTOM_VALIDATOR_SCHEMAS: Record<string, Record<string, unknown>> = {
  isBoundary: BOUNDARY_SCHEMA,
  isPointLongitude: LONGITUDE_SCHEMA,
  isPointLatitude: LATITUDE_SCHEMA,
  isLonLat: LON_LAT_SCHEMA,
  isRoute: ROUTE_SCHEMA,
  isResidentIdNumber: RESIDENT_ID_NUMBER_SCHEMA,
};

export type Schema = Record<string, unknown> & { properties?: Record<string, Record<string, unknown>> };

/** A property's schema with a description in front (a `$ref` cannot take siblings in JSON Schema draft 7, so it is wrapped). */
function described(schema: Record<string, unknown>, description: string): Record<string, unknown> {
  if ('$ref' in schema) return { description, allOf: [schema] };
  const own = typeof schema.description === 'string' ? `${description}\n\n${schema.description}` : description;
  return { ...schema, description: own };
}

/** Each class schema with its class's doc comment and each field's, inherited ones included. */
function withDocComments(schemas: Record<string, Schema>, classes: Map<string, ClassDocs>): Record<string, Schema> {
  return Object.fromEntries(
    Object.entries(schemas).map(([name, schema]) => {
      const docs = classes.get(name);
      if (!docs) return [name, schema];
      const properties = Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([field, property]) => {
          const doc = fieldDoc(classes, name, field);
          return [field, doc ? described(property, doc) : property];
        }),
      );
      return [name, { ...(docs.description ? { description: docs.description } : {}), ...schema, ...(schema.properties ? { properties } : {}) }];
    }),
  );
}

/**
 * A property checked by a custom validator: its known schema, or a schema of
 * its declared type. (The library's default would point at a schema named
 * after the type, e.g. `Object`, which does not exist.)
 */
function customValidationSchema(meta: ValidationMetadata): Record<string, unknown> {
  const [constraint] = meta.constraintCls ? getMetadataStorage().getTargetValidatorConstraints(meta.constraintCls) : [];
  const known = constraint?.name ? CUSTOM_VALIDATOR_SCHEMAS[constraint.name] : undefined;
  if (known) return known;
  const type = Reflect.getMetadata('design:type', (meta.target as Function).prototype, meta.propertyName) as unknown;
  if (type === String) return { type: 'string' };
  if (type === Number) return { type: 'number' };
  if (type === Boolean) return { type: 'boolean' };
  if (type === Array) return { type: 'array' };
  return { type: 'object' };
}

/** Every loaded class's schema, described by the doc comments found in the source folders `docDirs`, keyed by class name. */
export function classSchemas(docDirs: string[]): Record<string, Schema> {
  const generated = validationMetadatasToSchemas({
    refPointerPrefix: '#/components/schemas/',
    classTransformerMetadataStorage: defaultMetadataStorage,
    additionalConverters: { [ValidationTypes.CUSTOM_VALIDATION]: customValidationSchema },
  }) as Record<string, Schema>;
  const docs = new Map<string, ClassDocs>();
  for (const dir of docDirs) for (const [name, classDocs] of readClassDocs(dir)) docs.set(name, classDocs);
  return withDocComments(generated, docs);
}

/**
 * The schema of a class that adds no field to the class it extends (e.g.
 * `ClaimCaseRequest extends CaseCommand`): its nearest ancestor's, since the
 * generator makes schemas only for classes with rules of their own; an
 * empty object for a class with no fields at all.
 */
export function schemaOfClass(schemas: Record<string, Schema>, type: Function): Schema {
  for (let cls: unknown = type; typeof cls === 'function' && cls !== Function.prototype; cls = Object.getPrototypeOf(cls)) {
    const own = schemas[(cls as Function).name];
    if (own) return own;
  }
  return { type: 'object', properties: {}, additionalProperties: false };
}
