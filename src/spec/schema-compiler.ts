import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** Keywords OpenAPI 3.1 adds to JSON Schema 2020-12; for validation they are annotations. */
const OPENAPI_SCHEMA_KEYWORDS = ['example', 'discriminator', 'xml', 'externalDocs'];

/**
 * One Ajv for the whole contract: JSON Schema 2020-12 (the dialect of OpenAPI 3.1), strict, so a
 * schema keyword it does not know fails loudly at load instead of being silently ignored.
 * No coercion and no removal of properties: a request is validated as it was sent.
 */
export function createSchemaCompiler(document: unknown): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: false, coerceTypes: false, removeAdditional: false });
  addFormats(ajv);
  for (const keyword of [...OPENAPI_SCHEMA_KEYWORDS, ...extensionKeywordsIn(document)]) {
    ajv.addKeyword({ keyword });
  }
  return ajv;
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
