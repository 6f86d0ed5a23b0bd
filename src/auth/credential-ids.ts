import { createHash } from 'node:crypto';

/** The credentials this process remembers the ids of, in bytes estimated: a few MiB, within the memory bounds. */
export const KNOWN_IDS_BYTES = 4 * 1024 * 1024;
/** A credential longer than this is hashed on each call, not remembered: no ordinary one is this long. */
export const LONGEST_REMEMBERED = 512;
/** What one remembered id costs besides its credential's characters: the id (22), two string headers, the map's entry. */
const ENTRY_OVERHEAD_BYTES = 22 + 2 * 16 + 48;

/**
 * Stable ids that name credentials without holding them (tenants, rate keys, the journal and the
 * operator's list use the id, never the credential). The ids of credentials seen lately are
 * remembered, in memory only, never logged, bounded in bytes: a long credential is hashed each
 * time. Shaped for speed: docs/performance.md#credential-ids-are-remembered
 */
export class CredentialIds {
  /** Per kind of credential, so that a lookup needs no string built from the credential. */
  readonly #known = new Map<string, Map<string, string>>();
  #bytes = 0;

  constructor(
    private readonly budgetBytes = KNOWN_IDS_BYTES,
    private readonly longestRemembered = LONGEST_REMEMBERED,
  ) {}

  idOf(kind: string, credential: string): string {
    let ids = this.#known.get(kind);
    if (ids === undefined) this.#known.set(kind, (ids = new Map<string, string>()));
    const known = ids.get(credential);
    if (known !== undefined) return known;
    // Its own string: a slice would keep the digest's whole text alive for as long as the id names a tenant.
    const id = ownCopy(createHash('sha256').update(`${kind}\n${credential}`).digest('base64url').slice(0, 22));
    if (credential.length > this.longestRemembered) return id;
    // Two bytes a character at most (a one-byte string when Latin-1, as header values are).
    const cost = 2 * credential.length + ENTRY_OVERHEAD_BYTES;
    if (this.#bytes + cost > this.budgetBytes) this.clear();
    // A slice of a whole header would keep the header alive, outside the bytes counted here.
    ids.set(ownCopy(credential), id);
    this.#bytes += cost;
    return id;
  }

  /** The bytes the remembered ids are estimated to hold. */
  get bytes(): number {
    return this.#bytes;
  }

  /** How many credentials are remembered. */
  get size(): number {
    let size = 0;
    for (const ids of this.#known.values()) size += ids.size;
    return size;
  }

  clear(): void {
    for (const ids of this.#known.values()) ids.clear();
    this.#bytes = 0;
  }
}

/** A string of its own, code unit by code unit (lossless), that keeps no larger string alive as a slice does. */
function ownCopy(text: string): string {
  return text.split('').join('');
}
