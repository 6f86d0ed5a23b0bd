import { setTimeout as delay } from 'node:timers/promises';
import { RedisStore } from '../../src/world/redis-store.js';
import { describeWith } from '../helpers/components.js';
import { REDIS_URL, flushRedis } from '../helpers/redis.js';
import { describeStoreContract } from '../world/store-contract.js';

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
    const store = await RedisStore.connect({ url, ...limits });
    // Redis keeps its own time: a token's lifetime is waited for.
    return { store, elapse: (ms) => delay(ms) };
  });
});
