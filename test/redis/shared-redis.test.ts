import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { configWith } from '../../src/config.js';
import { describeWith } from '../helpers/components.js';
import { callOf, codeOf, freshIds } from '../helpers/calls.js';
import { flushRedis, REDIS_URL_SET, suiteRedisUrl } from '../helpers/redis.js';
import { theContract } from '../helpers/sandbox.js';

/** The suite's own database of the Redis of REDIS_URL: it flushes it. */
const REDIS = suiteRedisUrl('shared-redis');

const TOKEN = 'operator-token-for-redis-tests-0123';

describeWith(REDIS_URL_SET, 'two sandboxes on one Redis act as one', () => {
  let a: FastifyInstance;
  let b: FastifyInstance;
  beforeAll(async () => {
    await flushRedis(REDIS);
    const config = configWith({ logLevel: 'silent', redis: REDIS, rateLimit: 20, adminToken: TOKEN });
    const contract = await theContract();
    [a, b] = await Promise.all([buildApp(config, { contract }), buildApp(config, { contract })]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });
  // A key of its own per test: the rate budget is per key, whatever the session.
  const session = (name: string) => ({ authorization: `Basic ${Buffer.from(`${name}:redis`).toString('base64')}` });

  it('a change made through one is seen through the other', async () => {
    const ids = freshIds();
    expect(codeOf(await a.inject(callOf('deactivatePromotionForCustomer', ids, session('world'))))).toBe(200);
    expect(codeOf(await b.inject(callOf('deactivatePromotionForCustomer', ids, session('world'))))).toBe(404);
    const state = (await b.inject({ url: '/__sandbox/state', headers: session('world') })).json<{ data: { changes: { inactiveParticipations: unknown[] } } }>();
    expect(state.data.changes.inactiveParticipations).toEqual([{ customerId: ids.customerId, promotionId: ids.promotionId }]);
  });

  it('pins, sequences, reset and the journal are shared', async () => {
    const headers = session('shared');
    await a.inject({ method: 'PUT', url: '/__sandbox/scenario', headers, payload: { name: 'open-cart', count: 2 } });
    expect(codeOf(await b.inject(callOf('deactivatePromotionForCustomer', freshIds(), headers)))).toBe(737);
    expect(codeOf(await a.inject(callOf('deactivatePromotionForCustomer', freshIds(), headers)))).toBe(737);
    expect(codeOf(await b.inject(callOf('deactivatePromotionForCustomer', freshIds(), headers)))).toBe(200);
    const flaky = { ...headers, 'x-sandbox-scenario': 'flaky-then-success' };
    const codes = [];
    for (const app of [a, b, a]) codes.push(codeOf(await app.inject(callOf('deactivatePromotionGlobally', freshIds(), flaky))));
    expect(codes).toEqual([500, 500, 200]);
    const ids = freshIds();
    await a.inject(callOf('deactivatePromotionGlobally', ids, headers));
    await b.inject({ method: 'POST', url: '/__sandbox/reset', headers });
    expect(codeOf(await a.inject(callOf('deactivatePromotionForCustomer', ids, headers)))).toBe(200);
    expect(codeOf(await b.inject(callOf('deactivatePromotionGlobally', freshIds(), flaky)))).toBe(500);
    const journal = (await b.inject({ url: '/__sandbox/requests', headers })).json<{ data: { total: number; requests: unknown[] } }>().data;
    expect(journal.requests.length).toBe(9);
    expect(journal.total).toBe(9);
  });

  it('tokens issued by one are accepted by the other', async () => {
    const token = (await a.inject({ method: 'POST', url: '/v3/oauth/token/generate', payload: { key: 'k', secret: 's' } })).json<{ data: { accessToken: string } }>().data.accessToken;
    expect((await b.inject(callOf('deactivatePromotionGlobally', freshIds(), { 'x-cap-api-oauth-token': token }))).statusCode).toBe(200);
  });

  it('the rate budget of a key is one budget across both', async () => {
    const key = { authorization: 'Basic cmF0ZTpsaW1pdA==' };
    const statuses = [];
    for (let call = 0; call < 21; call += 1) statuses.push((await [a, b][call % 2]!.inject(callOf('deactivatePromotionGlobally', freshIds(), key))).statusCode);
    expect(statuses).toEqual([...Array<number>(20).fill(200), 429]);
  });

  it('200 parallel identical deactivations, split over both, give exactly one 200', async () => {
    const call = callOf('deactivatePromotionForCustomer', freshIds(), { authorization: 'Basic cmFjZTpyZWRpcw==' });
    const config = configWith({ logLevel: 'silent', redis: REDIS, rateLimit: 100_000 });
    const contract = await theContract();
    const [c, d] = await Promise.all([buildApp(config, { contract }), buildApp(config, { contract })]);
    const answers = await Promise.all(Array.from({ length: 200 }, (_, index) => (index % 2 === 0 ? c : d).inject(call)));
    const statuses = answers.map((response) => response.statusCode);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 404)).toHaveLength(199);
    await Promise.all([c.close(), d.close()]);
  });

  it('the operator sees every tenant of every replica', async () => {
    const listed = (await b.inject({ url: '/__sandbox/tenants', headers: { 'x-sandbox-operator-token': TOKEN } })).json<{ data: { tenant: string }[] }>().data;
    expect(listed.length).toBeGreaterThanOrEqual(4);
  });

  it('a call of a tenant restarts the idle time of all its state, and enters the tenant index', async () => {
    await flushRedis(REDIS);
    const app = await buildApp(configWith({ logLevel: 'silent', redis: REDIS, tenantIdleMinutes: 1, adminToken: TOKEN }), { contract: await theContract() });
    const headers = session('idle-time');
    await app.inject({ method: 'PUT', url: '/__sandbox/scenario', headers, payload: { name: 'open-cart' } });
    await app.inject(callOf('deactivatePromotionGlobally', freshIds(), { ...headers, 'x-sandbox-scenario': 'deactivated-globally' }));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    // A call that only reads (a forced answer) keeps the pin and the changes alive all the same.
    await app.inject(callOf('deactivatePromotionForCustomer', freshIds(), { ...headers, 'x-sandbox-scenario': 'unexpected-error' }));
    const probe = new Redis(REDIS);
    // The tenant's own keys; the directory's (in its slot, `ps:{ps:tenants}:…`) last as the directory
    // does, and its API key's counter (`ps:{key}:rate`) for the budget's window.
    const keys = (await probe.keys('ps:{*}:*')).filter((key) => !key.startsWith('ps:{ps:tenants}:') && !key.endsWith(':rate'));
    const ttls = await Promise.all(keys.map((key) => probe.pttl(key)));
    await probe.quit();
    expect(keys.some((key) => key.endsWith(':pin'))).toBe(true);
    expect(keys.some((key) => key.endsWith(':promotions'))).toBe(true);
    for (const ttl of ttls) expect(ttl).toBeGreaterThan(59_000);
    const listed = (await app.inject({ url: '/__sandbox/tenants', headers: { 'x-sandbox-operator-token': TOKEN } })).json<{ data: unknown[] }>().data;
    expect(listed).toHaveLength(1);
    await app.close();
  });

  it('keeps at most --max-tenants, forgetting the least recently used', async () => {
    await flushRedis(REDIS);
    const bounded = await buildApp(configWith({ logLevel: 'silent', redis: REDIS, maxTenants: 2, adminToken: TOKEN }), { contract: await theContract() });
    for (const name of ['first', 'second', 'third']) await bounded.inject(callOf('deactivatePromotionGlobally', freshIds(), session(name)));
    const listed = (await bounded.inject({ url: '/__sandbox/tenants', headers: { 'x-sandbox-operator-token': TOKEN } })).json<{ data: { changes: number }[] }>().data;
    expect(listed).toHaveLength(2);
    expect(listed.map((tenant) => tenant.changes)).toEqual([1, 1]);
    const first = (await bounded.inject({ url: '/__sandbox/state', headers: session('first') })).json<{ data: { changes: { inactivePromotions: unknown[] } } }>();
    expect(first.data.changes.inactivePromotions).toEqual([]);
    await bounded.close();
  });
});
