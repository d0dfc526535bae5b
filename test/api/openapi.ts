import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { parse } from 'yaml';

/**
 * The committed openapi.yaml, loaded for tests: real responses are validated against the
 * response schema the document declares for their path and status (OpenAPI 3.1 schemas are
 * JSON Schema 2020-12, which Ajv2020 checks).
 */

interface Parameter {
  name: string;
  schema: object;
}

interface OpenApiDoc {
  paths: Record<string, { get: { parameters: (Parameter | { $ref: string })[]; responses: Record<string, unknown> } }>;
  components: {
    schemas: Record<string, unknown>;
    parameters: Record<string, Parameter>;
    responses: Record<string, unknown>;
  };
}

export const openapi = parse(readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8')) as OpenApiDoc;

const ajv = new Ajv2020({ allErrors: true, strict: true });
// Formats the document uses, checked as the spec defines them (RFC 3339 full-date, date-time).
ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
// The components object is the base for the document's "#/components/..." references.
ajv.addKeyword('components');
ajv.addSchema({ $id: 'openapi.yaml', components: openapi.components });

function resolve<T>(node: unknown): T {
  const ref = (node as { $ref?: string }).$ref;
  if (ref === undefined) return node as T;
  const [, kind, name] = /^#\/components\/(\w+)\/(.+)$/.exec(ref) ?? [];
  const section = (openapi.components as unknown as Record<string, Record<string, unknown>>)[kind ?? ''];
  return section?.[name ?? ''] as T;
}

/** The parameter names the document lists for a path's GET. */
export function documentedParameters(path: string): string[] {
  const op = openapi.paths[path]?.get;
  if (op === undefined) throw new Error(`openapi.yaml has no GET ${path}`);
  return op.parameters.map((p) => resolve<Parameter>(p).name);
}

/**
 * Validates `body` against the schema openapi.yaml declares for GET `path` with `status`.
 * Returns Ajv's errors (empty when valid); throws when the document declares no such response.
 */
export function schemaErrors(path: string, status: number, body: unknown): ErrorObject[] {
  const op = openapi.paths[path]?.get;
  const response = op?.responses[String(status)];
  if (response === undefined) throw new Error(`openapi.yaml declares no ${status} response for GET ${path}`);
  const schema = resolve<{ content: { 'application/json': { schema: { $ref: string } } } }>(response).content[
    'application/json'
  ].schema;
  const validate = ajv.getSchema(`openapi.yaml${schema.$ref}`);
  if (validate === undefined) throw new Error(`cannot resolve ${schema.$ref}`);
  return validate(body) ? [] : (validate.errors ?? []);
}

/** Compiles every component schema (strict mode rejects unknown keywords and formats); returns their names. */
export function compileAllSchemas(): string[] {
  return Object.keys(openapi.components.schemas).filter(
    (name) => ajv.getSchema(`openapi.yaml#/components/schemas/${name}`) !== undefined,
  );
}

/** Compiles every query parameter's schema; returns "path?name" for each. */
export function compileParameterSchemas(): string[] {
  return Object.entries(openapi.paths).flatMap(([path, item]) =>
    item.get.parameters.map((p) => {
      const parameter = resolve<Parameter>(p);
      ajv.compile(parameter.schema);
      return `${path}?${parameter.name}`;
    }),
  );
}
