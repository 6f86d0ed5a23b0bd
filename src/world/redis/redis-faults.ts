import { isClusterUnavailableError } from './redis-connection-errors.js';

/** What the store says while Redis cannot be reached at all. */
export const UNREACHABLE = 'Redis is unreachable';

/**
 * Redis's own refusals, by the first word of its reply, in words an operator can act on. Only
 * that word is ever repeated: the rest of a reply can name keys, and so tenants.
 */
const REFUSALS: Readonly<Record<string, string>> = {
  OOM: 'Redis is out of memory and refuses writes (OOM: its maxmemory is reached)',
  READONLY: 'Redis refuses writes: it is a read-only replica, not a master (READONLY)',
  MISCONF: 'Redis refuses writes: it cannot save its data to disk (MISCONF)',
  NOREPLICAS: 'Redis refuses writes: too few of its replicas are in reach (NOREPLICAS)',
  BUSY: 'Redis is busy running a script (BUSY)',
  LOADING: 'Redis is loading its data (LOADING)',
  MASTERDOWN: 'Redis has lost its master (MASTERDOWN)',
  CLUSTERDOWN: 'The Redis cluster is down (CLUSTERDOWN)',
  TRYAGAIN: 'The Redis cluster is moving a slot (TRYAGAIN)',
};

/**
 * Why a failure is the store's (Redis refused, stalled or is gone), in one sentence without a
 * credential or a URL; undefined for any other error, which is a fault of the sandbox's own.
 * Every reply error counts, a script's `-ERR` too: whatever Redis refused, the call could not
 * be answered from the world, and the vendor's answers are not ours to give for it.
 */
export function redisFaultReason(error: unknown, commandTimeoutMs: number): string | undefined {
  const { name, message = '', previousErrors } = (error ?? {}) as { name?: string; message?: string; previousErrors?: unknown[] };
  // A transaction refused as a whole (EXECABORT) says why in the errors of its commands.
  if (/^EXECABORT\b/.test(message) && previousErrors?.[0] !== undefined) return redisFaultReason(previousErrors[0], commandTimeoutMs);
  if (message === 'Command timed out') return `Redis did not answer within ${String(commandTimeoutMs)} ms (--redis-command-timeout)`;
  if (name === 'ReplyError') {
    const word = /^([A-Z]+)\b/.exec(message)?.[1] ?? 'ERR';
    return REFUSALS[word] ?? `Redis refused a command (${word})`;
  }
  return isClusterUnavailableError(error) ? UNREACHABLE : undefined;
}
