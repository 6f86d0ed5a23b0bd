import { Cluster, Redis } from 'ioredis';
import { notRedisReason, refusedFirstByte } from './redis-connection-errors.js';
import { parseClusterSeeds, redactedSeeds } from './redis-cluster-seeds.js';
import { redactedUrl } from './redacted-url.js';
import { foreignProtocolByte } from './redis-probe.js';

/** Where the store's state lives: one Redis (a URL), or a Redis Cluster (its seed nodes). */
export type RedisTarget = { readonly url: string } | { readonly cluster: string };

/** A connection to either; their commands are the same (ioredis routes a cluster's by key). */
export type RedisConnection = Redis | Cluster;

/** How long the start waits for Redis's first answer. */
const FIRST_ANSWER_MS = 5_000;

/**
 * `commandTimeoutMs`: how long a command may go unanswered (`--redis-command-timeout`): a Redis
 * that stopped answering (frozen, busy, or a cluster's master gone without a reset) would
 * otherwise hold every call as long as it stalls. The call gets 503 and the client asks again.
 * `waitMs`: the longest WAIT a command will make (0: none), given on top.
 */
export interface CommandTimes {
  readonly commandTimeoutMs: number;
  readonly waitMs: number;
}

/** The target in words, for the start line and errors: never a credential. */
export function describeTarget(target: RedisTarget): string {
  return 'url' in target ? `Redis at ${redactedUrl(target.url)}` : `Redis cluster at ${redactedSeeds(target.cluster)}`;
}

/**
 * Connects, or fails with one clear line (no password in it). Commands fail at once while the
 * connection is away (no offline queue), and after the command timeout while Redis stalls: the
 * caller answers 503 and nothing is half-written; ioredis reconnects by itself (to a cluster: to
 * whichever node serves each slot now).
 */
export async function openRedisConnection(target: RedisTarget, times: CommandTimes): Promise<RedisConnection> {
  const commandTimeout = times.commandTimeoutMs + times.waitMs;
  const redis = 'url' in target ? singleRedis(target.url, commandTimeout) : clusterOf(target.cluster, commandTimeout);
  // Errors surface through commands and readiness; without a listener ioredis would print them.
  let lastError: Error | undefined;
  redis.on('error', (error: Error) => (lastError = error));
  // Something that accepts the connection and never answers (not Redis) would keep the start
  // waiting for ever: the first answer has a deadline.
  let deadline: NodeJS.Timeout | undefined;
  const silence = new Promise<never>((_resolve, reject) => {
    deadline = setTimeout(() => reject(new Error(`no answer within ${FIRST_ANSWER_MS / 1000} seconds; is it a Redis server?`)), FIRST_ANSWER_MS);
  });
  try {
    await Promise.race([redis.connect().then(() => redis.ping()), silence]);
  } catch (error) {
    redis.disconnect();
    const failed = lastError ?? (error as Error);
    // A cluster's "Failed to refresh slots cache." says why in the last node's error.
    const reason = (failed as Error & { lastNodeError?: Error }).lastNodeError?.message ?? failed.message;
    // The first PING met the command timeout before the start's own deadline: the same silence.
    const said = /^Command timed out/.test(reason) ? `no answer within ${String(commandTimeout / 1000)} seconds; is it a Redis server?` : (reason.split('\n')[0] ?? 'error');
    const where = describeTarget(target);
    // What speaks another protocol often closes before ioredis reads its answer (EPIPE): asked
    // once more, plainly, it says what it is.
    const foreign = refusedFirstByte(said) ?? ('url' in target ? await foreignProtocolByte(target.url) : undefined);
    if (foreign) throw new Error(`${where.replace(/^Redis (cluster )?at /, '')} is not a Redis server: ${notRedisReason(foreign)}`, { cause: error });
    const single = /cluster support disabled/i.test(said) ? ': it is one Redis, not a cluster (--redis is for one Redis)' : '';
    throw new Error(`cannot reach ${where} (${said})${single}`, { cause: error });
  } finally {
    clearTimeout(deadline);
  }
  return redis;
}

function singleRedis(url: string, commandTimeout: number): Redis {
  return new Redis(url, {
    lazyConnect: true,
    commandTimeout,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 3_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    // No automatic pipeline: a call is one script (one-trip.ts), the store holds a turn's
    // settlements together (turn-writes.ts), and ioredis's pipeline cost more per call than the
    // writes it saved (docs/performance.md#one-write-a-turn).
    enableAutoPipelining: false,
  });
}

function clusterOf(text: string, commandTimeout: number): Cluster {
  const seeds = parseClusterSeeds(text);
  // The setting's kind has checked the text already; this is for a caller in code.
  if (!seeds) throw new Error(`cannot reach Redis cluster at ${redactedSeeds(text)} (not a list of seed nodes)`);
  return new Cluster(
    seeds.seeds.map(({ host, port }) => ({ host, port })),
    {
      lazyConnect: true,
      enableOfflineQueue: false,
      // Kept on a cluster: without it a touch sent and not awaited was overtaken by a later read
      // (docs/performance.md#one-write-a-turn).
      enableAutoPipelining: true,
      // A command to a master that went away is retried on the slot's new master, a few times,
      // then fails (503): within a second or two, never a hang.
      retryDelayOnFailover: 200,
      retryDelayOnClusterDown: 200,
      maxRedirections: 8,
      clusterRetryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
      // A node that comes back (a restarted master, now a replica) is reconnected.
      clusterNodeRetryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
      slotsRefreshTimeout: 2_000,
      redisOptions: {
        connectTimeout: 3_000,
        maxRetriesPerRequest: 1,
        commandTimeout,
        ...(seeds.username !== undefined ? { username: seeds.username } : {}),
        ...(seeds.password !== undefined ? { password: seeds.password } : {}),
        ...(seeds.tls ? { tls: {} } : {}),
      },
    },
  );
}
