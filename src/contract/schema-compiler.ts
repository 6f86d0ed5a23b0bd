import type { Ajv2020, ValidateFunction } from 'ajv/dist/2020.js';
import type addFormatsModule from 'ajv-formats';
import { requireCommonJs } from '../require-commonjs.js';

/** Turns a JSON Schema into its validation function. */
export type CompileSchema = (schema: object) => ValidateFunction;

/** Keywords OpenAPI 3.1 adds to JSON Schema 2020-12; for validation they are annotations. */
const OPENAPI_SCHEMA_KEYWORDS = ['example', 'discriminator', 'xml', 'externalDocs'];

/**
 * One Ajv for the whole contract: JSON Schema 2020-12 (the dialect of OpenAPI 3.1), strict, so a
 * schema keyword it does not know fails loudly at load instead of being silently ignored.
 * No coercion and no removal of properties: a request is validated as it was sent.
 * `source` keeps each function's code, for the build to store (`ajv/dist/standalone`).
 */
export function createSchemaCompiler(document: unknown, { source = false } = {}): Ajv2020 {
  // Ajv is loaded on first need: with the validators stored at build (see stored-validators.ts)
  // a start with the shipped contract needs no Ajv at all.
  const { Ajv2020: Ajv } = requireCommonJs('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  // ajv-formats's default export is its module object, under require as under NodeNext.
  const addFormats = requireCommonJs('ajv-formats') as typeof addFormatsModule.default;
  const ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: false, coerceTypes: false, removeAdditional: false, code: { source } });
  addFormats(ajv);
  for (const keyword of [...OPENAPI_SCHEMA_KEYWORDS, ...extensionKeywordsIn(document)]) {
    ajv.addKeyword({ keyword });
  }
  return ajv;
}

/**
 * Compiles with one Ajv for the document, made on the first schema. A schema with an `$id` is
 * compiled once: the scenario schema is asked for again on every reload (`--watch`).
 */
export function ajvCompiler(document: unknown): CompileSchema {
  let ajv: Ajv2020 | undefined;
  return (schema) => {
    ajv ??= createSchemaCompiler(document);
    const id = (schema as { $id?: unknown }).$id;
    return (typeof id === 'string' ? ajv.getSchema(id) : undefined) ?? ajv.compile(schema);
  };
}

/** Every `x-` key in the document: specification extensions are allowed inside schemas too. */
function extensionKeywordsIn(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) {
    for (const item of node) extensionKeywordsIn(item, found);
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith('x-')) found.add(key);
      extensionKeywordsIn(value, found);
    }
  }
  return found;
}
