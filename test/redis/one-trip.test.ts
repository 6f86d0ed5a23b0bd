import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { RedisStore } from '../../src/world/redis/redis-store.js';
import { configWith } from '../../src/config.js';
import { basicToken, credentialId } from '../../src/auth/credentials.js';
import { tenantKey } from '../../src/world/redis/redis-keys.js';
import { describeWith } from '../helpers/components.js';
import { callOf, codeOf, freshIds } from '../helpers/calls.js';
import { flushRedis, REDIS_URL_SET, suiteRedisUrl } from '../helpers/redis.js';
import { monitorRedis } from '../helpers/redis-monitor.js';
import { theContract } from '../helpers/sandbox.js';

/** The suite's own database of the Redis of REDIS_URL: it flushes it. */
const REDIS = suiteRedisUrl('one-trip');

// A vendor call on Redis in one round trip (src/world/one-trip.ts): decided on a guess of its
// tenant, settled by one script; a guess another replica made wrong is decided again.
describeWith(REDIS_URL_SET, 'a vendor call on Redis in one round trip', () => {
  let a: FastifyInstance;
  let b: FastifyInstance;
  beforeAll(async () => {
    await flushRedis(REDIS);
    const config = configWith({ logLevel: 'silent', redis: REDIS, rateLimit: 1_000 });
    const contract = await theContract();
    [a, b] = await Promise.all([buildApp(config, { contract }), buildApp(config, { contract })]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });
  const key = (name: string) => ({ authorization: `Basic ${Buffer.from(`${name}:one-trip`).toString('base64')}` });

  it('sends Redis one command per call: the count, the checks, the change and the journal in one script', async () => {
    const headers = key('monitored');
    // The first call of a tenant also touches its directory entry (at most once a second).
    expect(codeOf(await a.inject(callOf('deactivatePromotionForCustomer', freshIds(), headers)))).toBe(200);
    const probe = new Redis(REDIS);
    const monitor = await monitorRedis(REDIS);
    // Every command of the connections that named the tenant (the sandbox's, not the probe's or
    // other suites'); a script's own commands show too, from 'lua'.
    const tenantKeys = tenantKey(credentialId('basic', basicToken(headers.authorization) ?? ''), '');
    const seen = () => {
      const sandbox = new Set(monitor.seen.filter(({ args }) => args.some((arg) => arg.startsWith(tenantKeys))).map(({ source }) => source));
      return monitor.seen.filter(({ source }) => sandbox.has(source) && source !== 'lua').map(({ args }) => args);
    };
    try {
      const ids = freshIds();
      for (const expected of [200, 404]) expect(codeOf(await a.inject(callOf('deactivatePromotionForCustomer', ids, headers)))).toBe(expected);
      expect(codeOf(await a.inject(callOf('deactivatePromotionForCustomer', freshIds(), { ...headers, 'x-sandbox-scenario': 'open-cart' })))).toBe(737);
      await probe.get('one-trip:marker');
      await expect.poll(() => monitor.seen.some(({ args }) => args.includes('one-trip:marker'))).toBe(true);
      const commands = seen().map(([name]) => name?.toLowerCase());
      expect(commands).toEqual(['evalsha', 'evalsha', 'evalsha']);
      const journal = (await a.inject({ url: '/__sandbox/requests?limit=3', headers })).json<{ data: { requests: { status: number; code: number | null }[] } }>().data;
      expect(journal.requests.map(({ status, code }) => [status, code])).toEqual([
        [400, 737],
        [404, 404],
        [200, null],
      ]);
    } finally {
      monitor.stop();
      probe.disconnect();
    }
  });

  it("keeps a settled call's entry whole: its values travel in one NUL-joined field, and JSON escapes a client's NUL", async () => {
    const headers = { ...key('fields'), 'content-type': 'application/json', 'x-note': 'é, ; \\0 *' };
    // A NUL in JSON text, escaped: the entry's JSON escapes its backslash in turn.
    const body = '{"note":"a\\u0000b é"}';
    expect(codeOf(await a.inject({ ...callOf('deactivatePromotionForCustomer', freshIds(), headers), payload: body }))).toBe(200);
    const [entry] = (await a.inject({ url: '/__sandbox/requests?limit=1', headers })).json<{ data: { requests: { status: number; body: string; headers: Record<string, string> }[] } }>().data.requests;
    expect([entry?.status, entry?.body, entry?.headers['x-note']]).toEqual([200, body, 'é, ; \\0 *']);
  });

  it("settles the first call of a tenant new to every replica at once, though its keys' touch goes with it", async () => {
    const store = await RedisStore.connect({ url: REDIS, journalSize: 10, maxTenants: 10, idleMs: 60_000, commandTimeoutMs: 3_000 });
    try {
      const reads = { promotions: [freshIds().promotionId], participations: [], earns: [] };
      const guess = store.guess('new-everywhere', reads);
      if (!guess) throw new Error('a tenant never seen is guessed new');
      // Time passes between the guess and the settlement: the touch (which starts a clock) must not start it otherwise.
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(await store.settle('new-everywhere', { guess, assumed: 1, worldRead: true, change: undefined, count: undefined, entry: undefined })).toEqual({ kind: 'settled' });
    } finally {
      await store.close();
    }
  });

  it('starts the clock of a tenant forgotten meanwhile again at its next call, as in memory', async () => {
    const token = 'operator-token-for-one-trip-tests-0123';
    const config = configWith({ logLevel: 'silent', redis: REDIS, rateLimit: 1_000, adminToken: token });
    const app = await buildApp(config, { contract: await theContract() });
    try {
      const headers = key('forgotten');
      const tenantTime = async () => {
        await app.inject(callOf('deactivatePromotionForCustomer', freshIds(), headers));
        return Date.parse((await app.inject({ url: '/__sandbox/requests?limit=1', headers })).json<{ data: { requests: { tenantTime: string }[] } }>().data.requests[0]?.tenantTime ?? '');
      };
      const first = await tenantTime();
      const operator = { 'x-sandbox-operator-token': token };
      const [tenant] = (await app.inject({ url: '/__sandbox/tenants', headers: operator })).json<{ data: { tenant: string }[] }>().data.map((held) => held.tenant);
      await new Promise((resolve) => setTimeout(resolve, 50));
      // Another replica forgets it (its own process still remembers the tenant's old clock).
      const other = await buildApp(config, { contract: await theContract() });
      expect((await other.inject({ method: 'DELETE', url: `/__sandbox/tenants/${encodeURIComponent(tenant ?? '')}`, headers: operator })).statusCode).toBe(200);
      await other.close();
      expect(await tenantTime()).toBeGreaterThanOrEqual(first + 50);
    } finally {
      await app.close();
    }
  });

  it('counts and journals a call once when its change waits for replicas that do not answer (503)', async () => {
    await flushRedis(REDIS);
    const waiting = await buildApp(configWith({ logLevel: 'silent', redis: REDIS, rateLimit: 1_000, redisWaitReplicas: 1, redisWaitTimeout: 50 }), { contract: await theContract() });
    try {
      const headers = key('unacknowledged');
      for (let call = 0; call < 2; call += 1) expect((await waiting.inject(callOf('deactivatePromotionForCustomer', freshIds(), headers))).statusCode).toBe(503);
      const probe = new Redis(REDIS);
      const counters = await probe.keys('ps:{*}:rate');
      const counts = await Promise.all(counters.map((counter) => probe.get(counter)));
      await probe.quit();
      expect(counts).toEqual(['2']);
      const journal = (await waiting.inject({ url: '/__sandbox/requests', headers })).json<{ data: { requests: { status: number }[] } }>().data.requests;
      expect(journal.map((entry) => entry.status)).toEqual([503, 503]);
    } finally {
      await waiting.close();
    }
  });

  it("decides again on what Redis holds when another replica changed the tenant since this one saw it", async () => {
    const headers = key('replicas');
    const ids = freshIds();
    // b sees the tenant: no change, its clock.
    expect(codeOf(await b.inject(callOf('deactivatePromotionForCustomer', freshIds(), headers)))).toBe(200);
    expect(codeOf(await a.inject(callOf('deactivatePromotionForCustomer', ids, headers)))).toBe(200);
    expect(codeOf(await b.inject(callOf('deactivatePromotionForCustomer', ids, headers)))).toBe(404);
    // A pin set through a answers b's next call; a reset through a gives b the seed world again.
    await a.inject({ method: 'PUT', url: '/__sandbox/scenario', headers, payload: { name: 'open-cart', count: 1 } });
    expect(codeOf(await b.inject(callOf('deactivatePromotionForCustomer', ids, headers)))).toBe(737);
    await a.inject({ method: 'POST', url: '/__sandbox/reset', headers });
    expect(codeOf(await b.inject(callOf('deactivatePromotionForCustomer', ids, headers)))).toBe(200);
    // A clock moved through a is the time of b's next call.
    await a.inject({ method: 'POST', url: '/__sandbox/clock', headers, payload: { advanceSeconds: 400 * 86_400 } });
    await b.inject(callOf('deactivatePromotionForCustomer', freshIds(), headers));
    const [clock, last] = await Promise.all([
      a.inject({ url: '/__sandbox/clock', headers }).then((answer) => answer.json<{ data: { time: string } }>().data.time),
      b.inject({ url: '/__sandbox/requests?limit=1', headers }).then((answer) => answer.json<{ data: { requests: { tenantTime: string }[] } }>().data.requests[0]?.tenantTime),
    ]);
    expect(Math.abs(Date.parse(clock) - Date.parse(last ?? ''))).toBeLessThan(60_000);
  });

  it('counts a request refused by validation or by Fastify before refusing it: past the budget it is 429', async () => {
    const config = configWith({ logLevel: 'silent', redis: REDIS, rateLimit: 2 });
    const small = await buildApp(config, { contract: await theContract() });
    try {
      const headers = key('budget');
      for (let call = 0; call < 2; call += 1) expect((await small.inject(callOf('deactivatePromotionGlobally', freshIds(), headers))).statusCode).toBe(200);
      const invalid = await small.inject({ method: 'POST', url: '/api_gateway/v1/promotions/not-an-id/deactivate', headers });
      expect(invalid.statusCode).toBe(429);
      expect(invalid.headers['x-ratelimit-limit']).toBe('2');
      const malformed = await small.inject({ ...callOf('deactivatePromotionGlobally', freshIds(), { ...headers, 'content-type': 'application/json' }), payload: '{' });
      expect(malformed.statusCode).toBe(429);
      expect(Number(malformed.headers['retry-after'])).toBeGreaterThan(0);
      // An unknown scenario is answered before any store step, and counted all the same.
      const unknown = { ...key('unknown-scenario'), 'x-sandbox-scenario': 'no-such-scenario' };
      const statuses = [];
      for (let call = 0; call < 3; call += 1) statuses.push((await small.inject(callOf('deactivatePromotionGlobally', freshIds(), unknown))).statusCode);
      statuses.push((await small.inject(callOf('deactivatePromotionGlobally', freshIds(), key('unknown-scenario')))).statusCode);
      expect(statuses).toEqual([422, 422, 429, 429]);
    } finally {
      await small.close();
    }
  });
});
