import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';

/** A JSON Schema (2020-12) object, as OpenAPI 3.1 takes it. */
export type JsonSchema = { [key: string]: unknown };

const defsPrefix = '#/$defs/';
export const componentsPrefix = '#/components/schemas/';

/** Points `$ref`s at `components.schemas`: the document does not validate with `$defs` refs. */
function relink(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(relink);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      key === '$ref' && typeof item === 'string' && item.startsWith(defsPrefix)
        ? componentsPrefix + item.slice(defsPrefix.length)
        : relink(item),
    ]),
  );
}

/**
 * A request field's default survives zod's input side: zod drops it when the field
 * transforms (its default is an output value), yet a client that omits the field gets it.
 */
const keepDefaults: NonNullable<Parameters<typeof z.toJSONSchema>[1]>['override'] = ({
  zodSchema,
  jsonSchema,
}) => {
  const def = zodSchema._zod.def;
  if (def.type === 'default' && jsonSchema.default === undefined) {
    jsonSchema.default = (def as z.core.$ZodDefaultDef).defaultValue;
  }
};

/** Converts zod schemas, collecting those with an id (`.meta({ id })`) as shared components. */
export interface SchemaConverter {
  /** What a client sends: the input side of transforms and defaults. */
  request(schema: z.ZodType): JsonSchema;
  /** What the gateway answers: the output side. */
  response(schema: z.ZodType): JsonSchema;
  /** `components.schemas`: every schema with an id met so far. */
  readonly components: Record<string, JsonSchema>;
}

export function createSchemaConverter(): SchemaConverter {
  const components: Record<string, JsonSchema> = {};
  // A route's schemas recur in each of its methods and paths: each is converted once.
  const converted = {
    input: new WeakMap<z.ZodType, JsonSchema>(),
    output: new WeakMap<z.ZodType, JsonSchema>(),
  };
  const convert = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
    const known = converted[io].get(schema);
    if (known) return known;
    const json = z.toJSONSchema(schema, {
      io,
      target: 'draft-2020-12',
      override: io === 'input' ? keepDefaults : undefined,
    }) as JsonSchema;
    // `$schema` is left out: OpenAPI 3.1 schemas are 2020-12 already.
    const { $defs, ...rest } = relink(json) as JsonSchema;
    delete rest.$schema;
    for (const [id, component] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) {
      if (components[id] !== undefined && !isDeepStrictEqual(components[id], component)) {
        throw new Error(`schema "${id}" converts differently in two places (request and answer?)`);
      }
      components[id] = component;
    }
    converted[io].set(schema, rest);
    return rest;
  };
  return {
    request: (schema) => convert(schema, 'input'),
    response: (schema) => convert(schema, 'output'),
    components,
  };
}
