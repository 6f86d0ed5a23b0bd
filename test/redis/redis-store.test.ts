import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { RedisStore } from '../../src/world/redis-store.js';
import { describeWith } from '../helpers/components.js';
import { REDIS_URL, flushRedis } from '../helpers/redis.js';
import { describeStoreContract, recordedCall } from '../world/store-contract.js';

/**
 * A database of the suite's own: it is flushed before every test and `forgetAll` empties it,
 * while the other Redis suites, perhaps running at the same time, use database 0.
 */
function contractDatabase(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = '/15';
  return parsed.toString();
}

describeWith('a Redis server (REDIS_URL)', REDIS_URL !== undefined, 'apt-get install redis-server, start it, set REDIS_URL', 'the Redis store', () => {
  describeStoreContract('the Redis store', async (limits) => {
    const url = contractDatabase(REDIS_URL ?? '');
    await flushRedis(url);
    const store = await RedisStore.connect({ url, ...limits, commandTimeoutMs: 3_000 });
    // Redis keeps its own time: a token's lifetime is waited for.
    return { store, elapse: (ms) => delay(ms) };
  });

  it('reads a journal entry written before tenants had clocks as made at its time by a clock not yet moved', async () => {
    const url = contractDatabase(REDIS_URL ?? '');
    await flushRedis(url);
    const { at, ...call } = recordedCall({ requestId: 'older' });
    const raw = new Redis(url);
    await raw.lpush('ps:{before-clocks}:journal', JSON.stringify({ time: new Date(at).toISOString(), ...call }));
    raw.disconnect();
    const store = await RedisStore.connect({ url, journalSize: 10, maxTenants: 10, idleMs: 60_000, commandTimeoutMs: 3_000 });
    const page = await store.journal('before-clocks');
    await store.close();
    expect(page?.requests[0]).toEqual({ time: new Date(at).toISOString(), tenantTime: new Date(at).toISOString(), ...call });
  });
});
