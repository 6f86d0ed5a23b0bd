import { redactedUrl } from './redacted-url.js';

/** One node to ask for the cluster's layout. */
export interface ClusterSeed {
  readonly host: string;
  readonly port: number;
}

/** What `--redis-cluster` says: the seeds, and the credentials and TLS every node is reached with. */
export interface ClusterSeeds {
  readonly seeds: readonly ClusterSeed[];
  readonly username?: string;
  readonly password?: string;
  readonly tls: boolean;
}

const DEFAULT_PORT = 6379;

/**
 * `host:port,host:port`, or `redis://` / `rediss://` URLs (`rediss://:secret@host:6380,host:6381`):
 * a cluster has one password and one TLS mode for all its nodes, so the first seed that names a
 * user or password gives them to every node, and one `rediss://` seed makes every node TLS.
 * Nodes the cluster tells of (the other masters, the replicas) are reached the same way.
 * Undefined when the text is not such a list (a seed without a host, a port out of range, two
 * seeds that disagree on credentials or TLS).
 */
export function parseClusterSeeds(text: string): ClusterSeeds | undefined {
  const parts = text.split(',').map((part) => part.trim());
  if (parts.some((part) => part === '')) return undefined;
  const read = parts.map(seedOf);
  if (read.some((seed) => seed === undefined)) return undefined;
  const seeds = read as Seed[];
  const credentialed = seeds.filter((seed) => seed.username !== undefined || seed.password !== undefined);
  const [first] = credentialed;
  if (credentialed.some((seed) => seed.username !== first?.username || seed.password !== first?.password)) return undefined;
  const tls = seeds.some((seed) => seed.tls);
  // A URL seed says its scheme: plain and TLS seeds of one cluster cannot both be right.
  if (tls && seeds.some((seed) => seed.url && !seed.tls)) return undefined;
  return {
    seeds: seeds.map(({ host, port }) => ({ host, port })),
    ...(first?.username !== undefined ? { username: first.username } : {}),
    ...(first?.password !== undefined ? { password: first.password } : {}),
    tls,
  };
}

/** The seeds as a start line or a refusal shows them: hosts and ports, never a credential. */
export function redactedSeeds(text: string): string {
  return text
    .split(',')
    .map((part) => {
      const seed = part.trim();
      // Up to the last '@', as the URL parser reads it: a password may hold an '@' of its own.
      return seed.includes('://') ? redactedUrl(seed).replace(/\/$/, '') : seed.replace(/^.*@/, '');
    })
    .join(',');
}

interface Seed extends ClusterSeed {
  readonly username?: string;
  readonly password?: string;
  readonly tls: boolean;
  readonly url: boolean;
}

function seedOf(text: string): Seed | undefined {
  const url = text.includes('://');
  let parsed: URL;
  try {
    parsed = new URL(url ? text : `redis://${text}`);
  } catch {
    return undefined;
  }
  if ((parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') || parsed.hostname === '') return undefined;
  // A cluster has one database (0): a path or query would be silently ignored, so it is refused.
  if ((parsed.pathname !== '' && parsed.pathname !== '/') || parsed.search !== '') return undefined;
  const port = parsed.port === '' ? DEFAULT_PORT : Number(parsed.port);
  const username = decodedOrUndefined(parsed.username);
  const password = decodedOrUndefined(parsed.password);
  // A '%' that starts no escape (`sec%ret`) cannot be read: refused, as any other bad seed.
  if (username === null || password === null) return undefined;
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port,
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    tls: parsed.protocol === 'rediss:',
    url,
  };
}

/** A URL's user or password as written before encoding; undefined when empty, null when it cannot be decoded. */
function decodedOrUndefined(text: string): string | undefined | null {
  if (text === '') return undefined;
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}
