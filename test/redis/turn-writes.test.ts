import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { writeWithThisTurn } from '../../src/world/redis/turn-writes.js';
import { describeWith } from '../helpers/components.js';
import { REDIS_URL, REDIS_URL_SET } from '../helpers/redis.js';

// The commands of the calls read in one turn of the event loop leave in one write
// (src/world/redis/turn-writes.ts), and the connection is never left holding them.
describeWith(REDIS_URL_SET, 'writes to Redis, one a turn', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = new Redis(REDIS_URL ?? '', { lazyConnect: true, enableAutoPipelining: false });
    await redis.connect();
  });
  afterAll(async () => {
    await redis?.quit();
  });

  /** How the connection's socket wrote what it was given while `send` ran, and what Redis answered. */
  async function writesOf(send: () => Promise<unknown>[]) {
    const stream = redis.stream as unknown as { _write: (...args: unknown[]) => void; _writev: (...args: unknown[]) => void };
    const one = vi.spyOn(stream, '_write');
    const many = vi.spyOn(stream, '_writev');
    try {
      const answers = await Promise.all(send());
      return { answers, single: one.mock.calls.length, batched: many.mock.calls.map(([chunks]) => (chunks as unknown[]).length) };
    } finally {
      one.mockRestore();
      many.mockRestore();
    }
  }

  it('sends the commands of one turn in one write, answered each in turn', async () => {
    const { answers, single, batched } = await writesOf(() => {
      writeWithThisTurn(redis);
      const first = redis.echo('a');
      writeWithThisTurn(redis);
      return [first, redis.echo('b'), redis.echo('c')];
    });
    expect(answers).toEqual(['a', 'b', 'c']);
    expect(single).toBe(0);
    expect(batched).toEqual([3]);
    expect(redis.stream.writableCorked).toBe(0);
  });

  it('writes as it is sent when not asked to hold', async () => {
    const { answers, single, batched } = await writesOf(() => [redis.echo('a'), redis.echo('b')]);
    expect(answers).toEqual(['a', 'b']);
    expect(single + batched.length).toBeGreaterThan(1);
  });

  it('holds once a turn, and lets go before the next', async () => {
    writeWithThisTurn(redis);
    writeWithThisTurn(redis);
    expect(redis.stream.writableCorked).toBe(1);
    await nextTurn();
    expect(redis.stream.writableCorked).toBe(0);
  });
});
