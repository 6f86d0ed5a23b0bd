import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { answer, accept } from '../../src/world/decision.js';
import { RedisStore } from '../../src/world/redis/redis-store.js';
import { describeWith } from '../helpers/components.js';
import { flushRedis, REDIS_URL_SET, suiteRedisUrl } from '../helpers/redis.js';
import { monitorRedis } from '../helpers/redis-monitor.js';
import { describeStoreContract, recordedCall } from '../world/store-contract.js';

/**
 * The suite's own database: it is flushed before every test and `forgetAll` empties it, while
 * the other Redis suites, perhaps running at the same time, use theirs.
 */
const REDIS = suiteRedisUrl('redis-store');

describeWith(REDIS_URL_SET, 'the Redis store', () => {
  describeStoreContract('the Redis store', async (limits) => {
    await flushRedis(REDIS);
    const store = await RedisStore.connect({ url: REDIS, ...limits, commandTimeoutMs: 3_000 });
    // Redis keeps its own time: a token's lifetime is waited for.
    return { store, elapse: (ms) => delay(ms) };
  });

  it('reads a journal entry written before tenants had clocks as made at its time by a clock not yet moved', async () => {
    await flushRedis(REDIS);
    const { at, ...call } = recordedCall({ requestId: 'older' });
    const raw = new Redis(REDIS);
    await raw.lpush('ps:{before-clocks}:journal', JSON.stringify({ time: new Date(at).toISOString(), ...call }));
    raw.disconnect();
    const store = await RedisStore.connect({ url: REDIS, journalSize: 10, maxTenants: 10, idleMs: 60_000, commandTimeoutMs: 3_000 });
    const page = await store.journal('before-clocks');
    await store.close();
    expect(page?.requests[0]).toEqual({ time: new Date(at).toISOString(), tenantTime: new Date(at).toISOString(), ...call });
  });

  it('makes no script call for a success without a change, where a change runs APPLY_CHANGE', async () => {
    await flushRedis(REDIS);
    const store = await RedisStore.connect({ url: REDIS, journalSize: 10, maxTenants: 10, idleMs: 60_000, commandTimeoutMs: 3_000 });
    const probe = new Redis(REDIS);
    const monitor = await monitorRedis(REDIS);
    let from = 0;
    const seen = () => monitor.seen.slice(from).map(({ args }) => args).filter((args) => args.some((arg) => arg.includes('{monitored}'))).map((args) => args.map((arg) => arg.toLowerCase()));
    // APPLY_CHANGE's five keys end with the clock (the three sets, the one to add to, the clock); READ_MEMBERS's with the pin.
    const commandName = (args: string[]): string => (args[0] === 'evalsha' && args[2] === '5' && args[7] === 'ps:{monitored}:clock' ? 'apply-change' : (args[0] ?? ''));
    /** The commands a step sent for the tenant, in the order Redis ran them: a marker read after the step says when all are seen. */
    const commandsOf = async (step: () => Promise<unknown>, marker: string): Promise<string[]> => {
      from = monitor.seen.length;
      await step();
      await probe.get(`ps:{monitored}:${marker}`);
      await expect.poll(() => seen().some((args) => args.includes(`ps:{monitored}:${marker}`))).toBe(true);
      return seen().filter((args) => !args.includes(`ps:{monitored}:${marker}`)).map(commandName);
    };
    const promotion = 'a0000000000000000000000a';
    const reads = { promotions: [promotion], participations: [], earns: [] };
    try {
      // Both scripts loaded first (ioredis falls back to EVAL once on a server that lacks one).
      await store.transact('warm', () => accept({ kind: 'deactivate-promotion', promotionId: promotion }), reads);
      const read = await commandsOf(() => store.transact('monitored', () => answer({ id: promotion, status: 'ACTIVE' }), reads), 'after-read');
      expect(read).not.toContain('apply-change');
      expect(read).not.toContain('sadd');
      const write = await commandsOf(() => store.transact('monitored', () => accept({ kind: 'deactivate-promotion', promotionId: promotion }), reads), 'after-write');
      expect(write).toContain('apply-change');
      expect(write).toContain('sadd');
    } finally {
      monitor.stop();
      probe.disconnect();
      await store.close();
    }
  });

  it('writes nothing for reads of tenants it does not hold: no clock started, no directory entry, no key', async () => {
    await flushRedis(REDIS);
    const store = await RedisStore.connect({ url: REDIS, journalSize: 10, maxTenants: 10, maxSessions: 3, idleMs: 60_000, commandTimeoutMs: 3_000 });
    const raw = new Redis(REDIS);
    try {
      for (let session = 0; session < 20; session += 1) {
        const tenant = `reader~${String(session)}`;
        await Promise.all([store.changes(tenant), store.clock(tenant), store.pin(tenant), store.journal(tenant), store.coverage(tenant)]);
      }
      // The directory's reads come after the touches sent with the reads, on the same connection.
      expect(await store.tenants()).toEqual([]);
      expect(await raw.keys('*')).toEqual([]);
      // A call that writes enters its tenant, with its credential's share.
      await store.record('reader~0', recordedCall());
      await expect.poll(async () => (await raw.keys('ps:*')).sort()).toEqual(['ps:tenants', 'ps:{ps:tenants}:credential:reader', 'ps:{ps:tenants}:share-of', 'ps:{ps:tenants}:shares', 'ps:{reader}~0:clock', 'ps:{reader}~0:coverage', 'ps:{reader}~0:journal']);
      expect(await store.forgetAll()).toBe(1);
      expect(await raw.keys('*')).toEqual([]);
    } finally {
      raw.disconnect();
      await store.close();
    }
  });
});
