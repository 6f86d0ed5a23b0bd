import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { configWith } from '../../src/config.js';
import { describeWith } from '../helpers/components.js';
import { callOf, codeOf, freshIds } from '../helpers/calls.js';
import { listeningUrl, runCli, startCli } from '../helpers/cli-process.js';
import { flushRedis, freePort, REDIS_URL_SET, suiteRedisUrl, redisServerInstalled, redisServersStoppedAfterEach, stopRedisServer } from '../helpers/redis.js';
import { theContract } from '../helpers/sandbox.js';

/** The suite's own database of the Redis of REDIS_URL: it flushes it. */
const REDIS = suiteRedisUrl('replicas-and-outages');

const KEY = { authorization: 'Basic cmVwbGljYTp4' };

describeWith(REDIS_URL_SET, 'two sandbox processes behind one Redis', () => {
  const processes: ReturnType<typeof startCli>[] = [];
  afterAll(async () => {
    for (const sandbox of processes) sandbox.child.kill('SIGTERM');
    await Promise.all(processes.map((sandbox) => sandbox.finished));
  });

  it('act as one sandbox: world, pin, reset and rate limit', async () => {
    await flushRedis(REDIS);
    for (let index = 0; index < 2; index += 1) processes.push(startCli(['--redis', REDIS, '--rate-limit', '8'], { HOST: '127.0.0.1', PORT: '0' }));
    const [one, two] = await Promise.all(processes.map((sandbox) => listeningUrl(sandbox.output)));
    const ids = freshIds();
    expect((await fetch(`${one ?? ''}${callOf('deactivatePromotionGlobally', ids).url as string}`, { method: 'PUT', headers: KEY })).status).toBe(200);
    const second = await fetch(`${two ?? ''}${callOf('deactivatePromotionForCustomer', ids).url as string}`, { method: 'POST', headers: KEY });
    expect(((await second.json()) as { errors: { code: number }[] }).errors[0]?.code).toBe(404);

    await fetch(`${one ?? ''}/__sandbox/scenario`, { method: 'PUT', headers: { ...KEY, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'unexpected-error', count: 1 }) });
    expect((await fetch(`${two ?? ''}${callOf('deactivatePromotionGlobally', freshIds()).url as string}`, { method: 'PUT', headers: KEY })).status).toBe(500);

    await fetch(`${two ?? ''}/__sandbox/reset`, { method: 'POST', headers: KEY });
    const again = await fetch(`${one ?? ''}${callOf('deactivatePromotionForCustomer', ids).url as string}`, { method: 'POST', headers: KEY });
    expect(again.status).toBe(200);

    const statuses = [];
    for (let call = 0; call < 6; call += 1) {
      statuses.push((await fetch(`${[one, two][call % 2] ?? ''}${callOf('deactivatePromotionGlobally', freshIds()).url as string}`, { method: 'PUT', headers: KEY })).status);
    }
    // 4 calls spent above, 8 per minute: the 5th to 8th pass, the rest are refused, whichever process answers.
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });
});

describeWith(redisServerInstalled(), 'Redis lost while running, and back', () => {
  const startServer = redisServersStoppedAfterEach();

  it('/readyz says not ready and API calls get 503 in the envelope; service resumes by itself', async () => {
    const port = await freePort();
    const server = await startServer(port);
    const app = await buildApp(configWith({ logLevel: 'silent', redis: `redis://127.0.0.1:${port}` }), { contract: await theContract() });
    const ids = freshIds();
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
    expect(codeOf(await app.inject(callOf('deactivatePromotionGlobally', ids, KEY)))).toBe(200);

    await stopRedisServer(server);
    await expect.poll(async () => (await app.inject({ url: '/readyz' })).statusCode, { timeout: 10_000 }).toBe(503);
    for (const call of [callOf('deactivatePromotionForCustomer', freshIds(), KEY), { url: '/__sandbox/state', headers: KEY }]) {
      const answer = await app.inject(call);
      expect(answer.statusCode).toBe(503);
      expect(answer.json()).toEqual({ data: null, errors: [{ code: 503, message: expect.stringContaining('Redis is unreachable') as string }] });
    }
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);

    await startServer(port);
    await expect.poll(async () => (await app.inject({ url: '/readyz' })).statusCode, { timeout: 15_000 }).toBe(200);
    expect(codeOf(await app.inject(callOf('deactivatePromotionGlobally', freshIds(), KEY)))).toBe(200);
    await app.close();
  });

  it('Redis restarted under load: no acknowledged change is lost, and the world is whole', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'redis-'));
    const server = await startServer(port, { dir });
    const app = await buildApp(configWith({ logLevel: 'silent', redis: `redis://127.0.0.1:${port}`, rateLimit: 1_000_000 }), { contract: await theContract() });
    const promotionId = freshIds().promotionId;
    // Enough calls that the load outlasts the restart on a fast machine too.
    const customers = Array.from({ length: 2_000 }, (_, index) => String(5_000_000 + index));
    const acknowledged: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < customers.length) {
        const customerId = customers[next++] ?? '';
        const answer = await app.inject(callOf('deactivatePromotionForCustomer', { promotionId, customerId }, KEY));
        statuses.set(answer.statusCode, (statuses.get(answer.statusCode) ?? 0) + 1);
        if (answer.statusCode === 200) acknowledged.push(customerId);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, worker));
    await new Promise((resolve) => setTimeout(resolve, 150));
    await stopRedisServer(server);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The restarted server is stopped after the test as the first is (it used to stay running).
    await startServer(port, { dir });
    await load;
    expect(statuses.get(503) ?? 0).toBeGreaterThan(0);
    expect(acknowledged.length).toBeGreaterThan(0);
    expect([...statuses.keys()].filter((status) => status !== 200 && status !== 503)).toEqual([]);
    await expect.poll(async () => (await app.inject({ url: '/readyz' })).statusCode, { timeout: 15_000 }).toBe(200);
    const state = (await app.inject({ url: '/__sandbox/state', headers: KEY })).json<{ data: { changes: { inactiveParticipations: { customerId: string }[] } } }>();
    const remembered = new Set(state.data.changes.inactiveParticipations.map((entry) => entry.customerId));
    expect(acknowledged.filter((customerId) => !remembered.has(customerId))).toEqual([]);
    for (const customerId of acknowledged.slice(0, 20)) {
      expect(codeOf(await app.inject(callOf('deactivatePromotionForCustomer', { promotionId, customerId }, KEY)))).toBe(404);
    }
    await app.close();
  });

  it('--redis-cluster given one Redis (not a cluster): exit non-zero, saying so', async () => {
    const port = await freePort();
    await startServer(port);
    const { code, stderr } = await runCli(['--redis-cluster', `127.0.0.1:${port}`], { HOST: '127.0.0.1', PORT: '0' });
    expect(code).not.toBe(0);
    expect(stderr.trim()).toBe(
      `promotions-sandbox: cannot start: cannot reach Redis cluster at 127.0.0.1:${port} (ERR This instance has cluster support disabled): it is one Redis, not a cluster (--redis is for one Redis)`,
    );
  });

  it('Redis unreachable at start: exit non-zero with one clear line, without the password', async () => {
    const port = await freePort();
    const { code, stderr } = await runCli(['--redis', `redis://:hunter2@127.0.0.1:${port}`], { HOST: '127.0.0.1', PORT: '0' });
    expect(code).not.toBe(0);
    expect(stderr.trim()).toMatch(new RegExp(`^promotions-sandbox: cannot start: cannot reach Redis at redis://127\\.0\\.0\\.1:${port} \\(.*ECONNREFUSED`));
    expect(stderr).not.toContain('hunter2');
  });
});
