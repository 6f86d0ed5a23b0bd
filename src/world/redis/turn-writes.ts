import type { Cluster, Redis } from 'ioredis';

const held = new WeakSet<object>();

/**
 * From the first settlement of a turn, holds what this process writes to its Redis until the
 * event loop has read every request that was ready (`setImmediate` runs after the poll phase), so
 * that the settlements of one turn leave in one write and Redis reads them in one read. A write
 * to Redis wakes its process; one a turn costs less than one a call, and ioredis's own automatic
 * pipeline cost more than it saved: docs/performance.md#one-write-a-turn. A cluster's
 * connections are ioredis's own: not held.
 */
export function writeWithThisTurn(redis: Redis | Cluster): void {
  const stream = 'stream' in redis ? (redis.stream as Redis['stream'] | undefined) : undefined;
  if (stream === undefined || held.has(stream) || !stream.writable) return;
  held.add(stream);
  stream.cork();
  setImmediate(() => {
    held.delete(stream);
    stream.uncork();
  });
}
