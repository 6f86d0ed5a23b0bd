import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

/**
 * What `npm run build` stores for a faster start (the contract, the validators, the scenarios,
 * the successes) is JSON beside the compiled code, keyed by the hashes of its sources. Each
 * reader checks its own keys; a file that is absent or unreadable is simply not used.
 */
export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The stored JSON of `file`, any part possibly missing (an older build); undefined if none. */
export function readStored<T>(file: string): Partial<T> | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Partial<T>;
  } catch {
    return undefined;
  }
}

export function writeStored<T>(file: string, stored: T): void {
  writeFileSync(file, JSON.stringify(stored));
}
