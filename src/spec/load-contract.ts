import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import $RefParser from '@apidevtools/json-schema-ref-parser';
import type { OpenAPIV3_1 } from 'openapi-types';
import { parse as parseYaml } from 'yaml';
import { type Catalogue, readCatalogue } from './catalogue.js';
import { type Operation, readOperations } from './operations.js';

/** The contract shipped with the sandbox. */
export const DEFAULT_CONTRACT_PATH = fileURLToPath(new URL('../../openapi/promotions.yaml', import.meta.url));

/**
 * The build (`npm run build`) stores the shipped contract parsed, beside the compiled code, with
 * the hash of the YAML it came from: parsing 40 KB of YAML is a fifth of the start-up time. It is
 * used only while the YAML is unchanged.
 */
export const PARSED_CONTRACT_CACHE = fileURLToPath(new URL('../contract-cache.json', import.meta.url));

export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

async function parseContract(sourcePath: string, text: string): Promise<unknown> {
  if (sourcePath === DEFAULT_CONTRACT_PATH) {
    const cached = await readFile(PARSED_CONTRACT_CACHE, 'utf8').then(
      (json) => JSON.parse(json) as { sourceHash: string; document: unknown },
      () => undefined,
    );
    if (cached?.sourceHash === contentHash(text)) return cached.document;
  }
  return parseYaml(text, { maxAliasCount: 100 });
}

export interface Contract {
  readonly sourcePath: string;
  /** The document as authored, `$ref`s intact: what `/openapi.json` serves. */
  readonly document: OpenAPIV3_1.Document;
  /** The same document with every `$ref` resolved: what validation and generation read. */
  readonly dereferenced: OpenAPIV3_1.Document;
  readonly operations: readonly Operation[];
  readonly catalogue: Catalogue;
}

export class ContractError extends Error {
  constructor(
    readonly sourcePath: string,
    readonly problems: readonly string[],
  ) {
    super(`${sourcePath}: ${problems.length} problem(s): ${problems.join('; ')}`);
    this.name = 'ContractError';
  }
}

/** Reads, resolves and checks a contract. Fails with every problem found, never half-loaded. */
export async function loadContract(sourcePath: string = DEFAULT_CONTRACT_PATH): Promise<Contract> {
  let document: OpenAPIV3_1.Document;
  try {
    document = (await parseContract(sourcePath, await readFile(sourcePath, 'utf8'))) as OpenAPIV3_1.Document;
  } catch (error) {
    throw new ContractError(sourcePath, [(error as Error).message.split('\n')[0] ?? 'unreadable']);
  }
  if (typeof document !== 'object' || document === null || !String(document.openapi).startsWith('3.1')) {
    throw new ContractError(sourcePath, ['not an OpenAPI 3.1 document (openapi: 3.1.x)']);
  }
  let dereferenced: OpenAPIV3_1.Document;
  try {
    dereferenced = await $RefParser.dereference<OpenAPIV3_1.Document>(structuredClone(document), {
      resolve: { external: false },
    });
  } catch (error) {
    throw new ContractError(sourcePath, [(error as Error).message]);
  }
  const problems: string[] = [];
  const catalogue = readCatalogue(document, problems);
  const operations = readOperations(document, dereferenced, catalogue, problems);
  if (problems.length > 0) throw new ContractError(sourcePath, problems);
  return deepFreeze({ sourcePath, document, dereferenced, operations, catalogue });
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
