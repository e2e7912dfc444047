import { isDeepStrictEqual } from 'node:util';
import type { JsonSchema } from './json-schema';

/** The fields of a request schema: each one's schema, and those that must be sent. */
export interface RequestFields {
  properties: Map<string, JsonSchema>;
  required: Set<string>;
}

const schemasOf = (value: unknown) => (Array.isArray(value) ? (value as JsonSchema[]) : []);

function merge(schemas: JsonSchema[]): JsonSchema {
  const distinct = schemas.filter(
    (s, i) => schemas.findIndex((t) => isDeepStrictEqual(s, t)) === i,
  );
  return distinct.length === 1 ? distinct[0]! : { anyOf: distinct };
}

/**
 * The fields of an object schema, of all the parts of an `allOf`, or of any branch of an
 * `anyOf`/`oneOf` (required only when every branch requires it): what a query string or a
 * form of fields can list.
 */
export function requestFields(schema: JsonSchema): RequestFields {
  const parts = schemasOf(schema.allOf);
  const branches = [...schemasOf(schema.anyOf), ...schemasOf(schema.oneOf)];
  const own = {
    properties: new Map(Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>)),
    required: new Set(schemasOf(schema.required) as unknown as string[]),
  };
  const collected = new Map<string, JsonSchema[]>();
  const add = (fields: RequestFields) => {
    for (const [name, field] of fields.properties) {
      collected.set(name, [...(collected.get(name) ?? []), field]);
    }
  };
  add(own);
  const required = new Set(own.required);
  for (const part of parts.map(requestFields)) {
    add(part);
    part.required.forEach((name) => required.add(name));
  }
  const alternatives = branches.map(requestFields);
  alternatives.forEach(add);
  for (const name of alternatives[0]?.required ?? []) {
    if (alternatives.every((branch) => branch.required.has(name))) required.add(name);
  }
  return {
    properties: new Map([...collected].map(([name, schemas]) => [name, merge(schemas)])),
    required,
  };
}
