import type { ChildProcess } from 'node:child_process';
import { afterAll, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { configWith } from '../../src/config.js';
import { describeWith } from '../helpers/components.js';
import { callOf, codeOf, freshIds } from '../helpers/calls.js';
import { listeningUrl, runCli, startCli } from '../helpers/cli-process.js';
import { REDIS_URL, flushRedis, freePort, haveRedisServerBinary, startRedisServer, stopRedisServer } from '../helpers/redis.js';
import { theContract } from '../helpers/sandbox.js';

const KEY = { authorization: 'Basic cmVwbGljYTp4' };

describeWith('a Redis server (REDIS_URL)', REDIS_URL !== undefined, 'apt-get install redis-server, start it, set REDIS_URL', 'two sandbox processes behind one Redis', () => {
  const processes: ReturnType<typeof startCli>[] = [];
  afterAll(async () => {
    for (const sandbox of processes) sandbox.child.kill('SIGTERM');
    await Promise.all(processes.map((sandbox) => sandbox.finished));
  });

  it('act as one sandbox: world, pin, reset and rate limit', async () => {
    await flushRedis(REDIS_URL ?? '');
    for (let index = 0; index < 2; index += 1) processes.push(startCli(['--redis', REDIS_URL ?? '', '--rate-limit', '8'], { HOST: '127.0.0.1', PORT: '0' }));
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

describeWith('redis-server', haveRedisServerBinary(), 'apt-get install redis-server', 'Redis lost while running, and back', () => {
  let server: ChildProcess | undefined;
  afterAll(async () => {
    if (server) await stopRedisServer(server);
  });

  it('/readyz says not ready and API calls get 503 in the envelope; service resumes by itself', async () => {
    const port = await freePort();
    server = await startRedisServer(port);
    const app = await buildApp(configWith({ logLevel: 'silent', redis: `redis://127.0.0.1:${port}` }), { contract: await theContract() });
    const ids = freshIds();
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
    expect(codeOf(await app.inject(callOf('deactivatePromotionGlobally', ids, KEY)))).toBe(200);

    await stopRedisServer(server);
    server = undefined;
    await expect.poll(async () => (await app.inject({ url: '/readyz' })).statusCode, { timeout: 10_000 }).toBe(503);
    for (const call of [callOf('deactivatePromotionForCustomer', freshIds(), KEY), { url: '/__sandbox/state', headers: KEY }]) {
      const answer = await app.inject(call);
      expect(answer.statusCode).toBe(503);
      expect(answer.json()).toEqual({ data: null, errors: [{ code: 503, message: expect.stringContaining('Redis is unreachable') as string }] });
    }
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);

    server = await startRedisServer(port);
    await expect.poll(async () => (await app.inject({ url: '/readyz' })).statusCode, { timeout: 15_000 }).toBe(200);
    expect(codeOf(await app.inject(callOf('deactivatePromotionGlobally', freshIds(), KEY)))).toBe(200);
    await app.close();
  });

  it('Redis unreachable at start: exit non-zero with one clear line, without the password', async () => {
    const port = await freePort();
    const { code, stderr } = await runCli(['--redis', `redis://:hunter2@127.0.0.1:${port}`], { HOST: '127.0.0.1', PORT: '0' });
    expect(code).not.toBe(0);
    expect(stderr.trim()).toMatch(new RegExp(`^promotions-sandbox: cannot start: cannot reach Redis at redis://127\\.0\\.0\\.1:${port} \\(.*ECONNREFUSED`));
    expect(stderr).not.toContain('hunter2');
  });
});
