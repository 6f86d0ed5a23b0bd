import type { ChildProcess } from 'node:child_process';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { configWith } from '../../src/config.js';
import type { ResponseMismatch } from '../../src/http/response-check.js';
import { describeWith } from '../helpers/components.js';
import { callOf, freshIds } from '../helpers/calls.js';
import { listeningUrl, startCli, stoppedAfterEach } from '../helpers/cli-process.js';
import { freePort, redisServerInstalled, startRedisServer, stopRedisServer } from '../helpers/redis.js';
import { theContract } from '../helpers/sandbox.js';

const KEY = { authorization: 'Basic ZmF1bHRzOng=' };
const PASSWORD = 'faults-secret-pw';
const COMMAND_TIMEOUT_MS = 500;

/** One answer as a client sees it, and how long it took. */
interface Seen {
  readonly status: number;
  readonly body: { data: unknown; errors: { code: number; message: string }[] | null };
  readonly text: string;
  readonly ms: number;
}

/** How a drill reaches the sandbox: in the process (inject) or over HTTP to the built command. */
type Ask = (request: { method?: string; url: string; headers?: Record<string, string> }) => Promise<Seen>;

/**
 * The three faults of a real redis-server, one after another, each followed by its recovery.
 * Suites share a redis-server of their own (faults would break other suites' Redis), started with
 * DEBUG allowed and a password, so that no answer can be shown to carry it.
 */
describeWith(redisServerInstalled(), "Redis's faults answer 503 in the sandbox's own entry, and readiness recovers by itself", () => {
  let server: ChildProcess | undefined;
  let admin: Redis | undefined;
  let url = '';
  let port = 0;
  const running = stoppedAfterEach();

  beforeAll(async () => {
    port = await freePort();
    server = await startRedisServer(port, undefined, ['--enable-debug-command', 'local', '--maxmemory-policy', 'noeviction']);
    // The password once the server is up: the helper's readiness probe has none.
    const first = new Redis({ port, host: '127.0.0.1' });
    await first.config('SET', 'requirepass', PASSWORD);
    first.disconnect();
    admin = new Redis({ port, host: '127.0.0.1', password: PASSWORD });
    url = `redis://:${PASSWORD}@127.0.0.1:${port}`;
  });
  afterAll(async () => {
    admin?.disconnect();
    if (server) await stopRedisServer(server);
  });

  const deactivate = () => callOf('deactivatePromotionGlobally', freshIds(), KEY) as { method: string; url: string; headers: Record<string, string> };

  /** The fault's answer and readiness, then its recovery with no restart: polled, no fixed wait. */
  async function drill(ask: Ask, fault: () => Promise<unknown>, heal: () => Promise<unknown>, reason: RegExp, inForce: 'when answered' | 'at once' = 'when answered'): Promise<Seen> {
    expect((await ask(deactivate())).status).toBe(200);
    // A setting is in force once Redis answers it: a call sent before could still be served (a
    // call is one script). A stall answers only when it ends: the call is sent meanwhile.
    const faulted = fault();
    if (inForce === 'when answered') await faulted;
    const answer = await ask(deactivate());
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual({ data: null, errors: [{ code: 503, message: expect.stringMatching(reason) as string }] });
    expect(answer.body.errors?.[0]?.message).toMatch(/^The sandbox is not ready\. /);
    const ready = await ask({ url: '/readyz' });
    expect(ready.status).toBe(503);
    expect(ready.body.errors?.[0]?.message).toMatch(reason);
    expect((await ask({ url: '/healthz' })).status).toBe(200);
    for (const seen of [answer, ready]) {
      expect(seen.text).not.toContain(PASSWORD);
      expect(seen.text).not.toContain(String(port));
    }
    await heal();
    await faulted;
    await expect.poll(async () => (await ask({ url: '/readyz' })).status, { timeout: 10_000, interval: 100 }).toBe(200);
    expect((await ask(deactivate())).status).toBe(200);
    return answer;
  }

  /** Every drill, through one way of asking. */
  async function drills(ask: Ask): Promise<void> {
    const redis = admin as Redis;
    await drill(
      ask,
      async () => redis.config('SET', 'maxmemory', '1'),
      async () => redis.config('SET', 'maxmemory', '0'),
      /Redis is out of memory and refuses writes \(OOM: its maxmemory is reached\)\.$/,
    );

    const closedPort = await freePort();
    await drill(
      ask,
      async () => redis.call('REPLICAOF', '127.0.0.1', String(closedPort)),
      async () => redis.call('REPLICAOF', 'NO', 'ONE'),
      /Redis refuses writes: it is a read-only replica, not a master \(READONLY\)\.$/,
    );

    // The stall: answered 503 at the command timeout, not when Redis answers again (3 s).
    const stalled = await drill(
      ask,
      () => redis.call('DEBUG', 'SLEEP', '3'),
      () => Promise.resolve(),
      new RegExp(`Redis did not answer within ${COMMAND_TIMEOUT_MS} ms \\(--redis-command-timeout\\)\\.$`),
      'at once',
    );
    expect(stalled.ms).toBeGreaterThanOrEqual(COMMAND_TIMEOUT_MS - 50);
    expect(stalled.ms).toBeLessThan(1_500);
  }

  it('through buildApp: OOM, READONLY and a stall, each 503 and not ready, each recovered', async () => {
    const mismatches: ResponseMismatch[] = [];
    const app: FastifyInstance = await buildApp(configWith({ logLevel: 'silent', redis: url, redisCommandTimeout: COMMAND_TIMEOUT_MS }), {
      contract: await theContract(),
      onResponseMismatch: (mismatch) => mismatches.push(mismatch),
    });
    try {
      await drills(async (request) => {
        const started = Date.now();
        const answer = await app.inject({ method: (request.method ?? 'GET') as 'GET', url: request.url, headers: request.headers ?? {} });
        return { status: answer.statusCode, body: answer.json(), text: answer.body, ms: Date.now() - started };
      });
    } finally {
      await app.close();
    }
    expect(mismatches, 'answers that do not match the contract').toEqual([]);
  });

  it('through the built command (--redis with a password, --redis-command-timeout 500): the same, and no log line carries the password', async () => {
    const sandbox = startCli(['--redis', url, '--redis-command-timeout', String(COMMAND_TIMEOUT_MS)], { HOST: '127.0.0.1', PORT: '0' });
    running.push(sandbox);
    const base = await listeningUrl(sandbox.output);
    await drills(async (request) => {
      const started = Date.now();
      const answer = await fetch(`${base}${request.url}`, { method: request.method ?? 'GET', headers: request.headers ?? {} });
      const text = await answer.text();
      return { status: answer.status, body: JSON.parse(text) as Seen['body'], text, ms: Date.now() - started };
    });
    expect(sandbox.output()).not.toContain(PASSWORD);
  });

  it("a script's -ERR from a real Redis is the store's refusal too", async () => {
    const { redisFaultReason } = await import('../../src/world/redis/redis-faults.js');
    const refused = await (admin as Redis).eval("return redis.call('NOSUCHCOMMAND')", 0).catch((error: unknown) => error);
    expect(redisFaultReason(refused, COMMAND_TIMEOUT_MS)).toBe('Redis refused a command (ERR)');
  });
});
