import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { OpenAPIV3_1 } from 'openapi-types';
import { type Catalogue, checkCodesTellEntriesApart, readCatalogue } from './catalogue.js';
import { contentHash } from './build-store.js';
import { CONTRACT_CACHE, type ReadDocument, storedContract } from './contract-cache.js';
import { type Operation, readOperations } from './operations.js';
import { readSandboxDecisions, type SandboxDecision } from './sandbox-decisions.js';

/** The contract shipped with the sandbox. */
export const DEFAULT_CONTRACT_PATH = fileURLToPath(new URL('../../openapi/promotions.yaml', import.meta.url));

export interface Contract {
  readonly sourcePath: string;
  /** The sha256 of the YAML text: what the caches made at build are keyed by. */
  readonly sourceHash: string;
  /** The document as authored, `$ref`s intact: what `/openapi.json` serves. */
  readonly document: OpenAPIV3_1.Document;
  /** The same document with every `$ref` resolved: what validation and generation read. */
  readonly dereferenced: OpenAPIV3_1.Document;
  readonly operations: readonly Operation[];
  readonly catalogue: Catalogue;
  /** Where the contract departs from, or adds to, the vendor's pages (`x-sandbox-decision`). */
  readonly decisions: readonly SandboxDecision[];
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

/**
 * Reads, resolves and checks a contract. Fails with every problem found, never half-loaded.
 * The shipped contract, unchanged, is read from the cache made at build (contract-cache.ts).
 */
export async function loadContract(sourcePath: string = DEFAULT_CONTRACT_PATH, cacheFile = CONTRACT_CACHE): Promise<Contract> {
  let text: string;
  try {
    text = await readFile(sourcePath, 'utf8');
  } catch (error) {
    throw new ContractError(sourcePath, [(error as Error).message.split('\n')[0] ?? 'unreadable']);
  }
  const sourceHash = contentHash(text);
  const { document, dereferenced } = (sourcePath === DEFAULT_CONTRACT_PATH ? storedContract(sourceHash, cacheFile) : undefined) ?? (await readDocument(sourcePath, text));
  const problems: string[] = [];
  const catalogue = readCatalogue(document, problems);
  const operations = readOperations(document, dereferenced, catalogue, problems);
  checkCodesTellEntriesApart(operations, problems);
  const decisions = readSandboxDecisions(document, problems);
  if (problems.length > 0) throw new ContractError(sourcePath, problems);
  return deepFreeze({ sourcePath, sourceHash, document, dereferenced, operations, catalogue, decisions });
}

/**
 * Parses the YAML and resolves its `$ref`s. The two libraries load here, on first use: the
 * shipped contract is normally read from the cache made at build, which needs neither.
 */
export async function readDocument(sourcePath: string, text: string): Promise<ReadDocument> {
  let document: OpenAPIV3_1.Document;
  try {
    const { parse: parseYaml } = await import('yaml');
    document = parseYaml(text, { maxAliasCount: 100 }) as OpenAPIV3_1.Document;
  } catch (error) {
    throw new ContractError(sourcePath, [(error as Error).message.split('\n')[0] ?? 'unreadable']);
  }
  if (typeof document !== 'object' || document === null || !String(document.openapi).startsWith('3.1')) {
    throw new ContractError(sourcePath, ['not an OpenAPI 3.1 document (openapi: 3.1.x)']);
  }
  const { default: $RefParser } = await import('@apidevtools/json-schema-ref-parser');
  try {
    const dereferenced = await $RefParser.dereference<OpenAPIV3_1.Document>(structuredClone(document), {
      resolve: { external: false },
    });
    return { document, dereferenced };
  } catch (error) {
    throw new ContractError(sourcePath, [(error as Error).message]);
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
