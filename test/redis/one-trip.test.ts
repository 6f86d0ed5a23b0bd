import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { configWith } from '../../src/config.js';
import { describeWith } from '../helpers/components.js';
import { callOf, codeOf, freshIds } from '../helpers/calls.js';
import { flushRedis, REDIS_URL, REDIS_URL_SET } from '../helpers/redis.js';
import { theContract } from '../helpers/sandbox.js';

// A vendor call on Redis in one round trip (src/world/one-trip.ts): decided on a guess of its
// tenant, settled by one script; a guess another replica made wrong is decided again.
describeWith(REDIS_URL_SET, 'a vendor call on Redis in one round trip', () => {
  let a: FastifyInstance;
  let b: FastifyInstance;
  beforeAll(async () => {
    await flushRedis(REDIS_URL ?? '');
    const config = configWith({ logLevel: 'silent', redis: REDIS_URL, rateLimit: 1_000 });
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
    const probe = new Redis(REDIS_URL ?? '');
    const monitor = await probe.monitor();
    const seen: string[][] = [];
    // The commands clients send; a script's own commands show too, from 'lua'.
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (!source.includes('lua')) seen.push(args);
    });
    try {
      const ids = freshIds();
      for (const expected of [200, 404]) expect(codeOf(await a.inject(callOf('deactivatePromotionForCustomer', ids, headers)))).toBe(expected);
      expect(codeOf(await a.inject(callOf('deactivatePromotionForCustomer', freshIds(), { ...headers, 'x-sandbox-scenario': 'open-cart' })))).toBe(737);
      await probe.get('one-trip:marker');
      await expect.poll(() => seen.some((args) => args.includes('one-trip:marker'))).toBe(true);
      const commands = seen.filter((args) => !args.includes('one-trip:marker')).map(([name]) => name?.toLowerCase());
      expect(commands).toEqual(['evalsha', 'evalsha', 'evalsha']);
      const journal = (await a.inject({ url: '/__sandbox/requests?limit=3', headers })).json<{ data: { requests: { status: number; code: number | null }[] } }>().data;
      expect(journal.requests.map(({ status, code }) => [status, code])).toEqual([
        [400, 737],
        [404, 404],
        [200, null],
      ]);
    } finally {
      monitor.disconnect();
      probe.disconnect();
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
    const config = configWith({ logLevel: 'silent', redis: REDIS_URL, rateLimit: 2 });
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
    } finally {
      await small.close();
    }
  });
});
