import { fileURLToPath } from 'node:url';
import { compileFunction } from 'node:vm';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { requireCommonJs } from '../require-commonjs.js';
import { contentHash, readStored, writeStored } from './build-store.js';
import type { Contract } from './load-contract.js';
import { ajvCompiler, type CompileSchema, createSchemaCompiler } from './schema-compiler.js';

/**
 * The build (`npm run build`) stores the code of every validator the shipped contract and the
 * scenario schema need (Ajv's standalone code), beside the compiled code: compiling them is a
 * third of the start-up time. Each is stored under the hash of its schema's JSON, and the file
 * under the hash of the contract's YAML: it serves only that contract, and a schema it does not
 * hold is compiled by Ajv as before. It is never written by hand.
 */
export const STORED_VALIDATORS = fileURLToPath(new URL('../validator-cache.json', import.meta.url));

interface StoredValidators {
  readonly contractHash: string;
  /** A CommonJS module: one export per schema, named by `schemaKey`. */
  readonly code: string;
}

function schemaKey(schema: object): string {
  return contentHash(JSON.stringify(schema));
}

/** Writes the validators of `schemas` (as compiled for `contract`) to `file`. */
export function storeValidators(contract: Contract, schemas: Iterable<object>, file = STORED_VALIDATORS): void {
  // Standalone code generation is loaded by the build only.
  const standaloneCode = (requireCommonJs('ajv/dist/standalone/index.js') as typeof import('ajv/dist/standalone/index.js')).default;
  const ajv = createSchemaCompiler(contract.dereferenced, { source: true });
  const exported: Record<string, string> = {};
  for (const schema of schemas) {
    const key = schemaKey(schema);
    if (exported[key] !== undefined) continue;
    ajv.addSchema(schema, key);
    exported[key] = key;
  }
  const stored: StoredValidators = { contractHash: contract.sourceHash, code: standaloneCode(ajv, exported) };
  writeStored(file, stored);
}

/**
 * The compiler for a contract: the stored validators when `file` was made from this very
 * contract text, else (and for any schema not stored) Ajv.
 */
export function schemaCompilerFor(contract: Contract, file = STORED_VALIDATORS): CompileSchema {
  const compile = ajvCompiler(contract.dereferenced);
  const stored = storedValidators(contract.sourceHash, file);
  if (!stored) return compile;
  return (schema) => stored[schemaKey(schema)] ?? compile(schema);
}

function storedValidators(contractHash: string, file: string): Readonly<Record<string, ValidateFunction | undefined>> | undefined {
  const stored = readStored<StoredValidators>(file);
  if (stored?.contractHash !== contractHash || typeof stored.code !== 'string') return undefined;
  // The code requires Ajv's small runtime helpers and ajv-formats' formats: resolved from this
  // package, wherever the file is.
  const module = { exports: {} as Record<string, ValidateFunction | undefined> };
  const run = compileFunction(stored.code, ['require', 'module', 'exports'], { filename: file }) as (require: NodeJS.Require, module: object, exports: object) => void;
  run(requireCommonJs, module, module.exports);
  // Standalone functions set `errors` like compiled ones; they lack `schema`, which nothing reads.
  return module.exports;
}
