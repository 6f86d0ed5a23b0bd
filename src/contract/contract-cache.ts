import { fileURLToPath } from 'node:url';
import type { OpenAPIV3_1 } from 'openapi-types';
import { readStored, writeStored } from './build-store.js';

/**
 * The build (`npm run build`) stores the shipped contract parsed and with its `$ref`s resolved,
 * beside the compiled code, with the hash of the YAML it came from: parsing the YAML and
 * resolving the references (and loading the two libraries that do it) is a fifth of the
 * start-up time. It is used only while the YAML is unchanged; it is never written by hand.
 */
export const CONTRACT_CACHE = fileURLToPath(new URL('../contract-cache.json', import.meta.url));

/** The contract as read: the authored document and the same with every `$ref` resolved. */
export interface ReadDocument {
  readonly document: OpenAPIV3_1.Document;
  readonly dereferenced: OpenAPIV3_1.Document;
}

interface StoredContract extends ReadDocument {
  readonly sourceHash: string;
}

/** The stored reading of the YAML whose hash is `sourceHash`, if the cache holds that one. */
export function storedContract(sourceHash: string, cacheFile = CONTRACT_CACHE): ReadDocument | undefined {
  const stored = readStored<StoredContract>(cacheFile);
  // A cache from an older build may lack a part: then it is not used at all.
  return stored?.sourceHash === sourceHash && stored.document && stored.dereferenced ? { document: stored.document, dereferenced: stored.dereferenced } : undefined;
}

/**
 * Stores a reading. The resolved document becomes a tree: a schema used in several places is
 * stored once for each, which changes nothing for validation or generation.
 */
export function storeContract(sourceHash: string, read: ReadDocument, cacheFile = CONTRACT_CACHE): void {
  const stored: StoredContract = { sourceHash, ...read };
  writeStored(cacheFile, stored);
}
