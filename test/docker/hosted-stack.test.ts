import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { get } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse } from 'yaml';
import { callFrom, callReplica, composeCommand, composeStack } from '../helpers/compose.js';
import { describeInChromium, launchChromium } from '../helpers/browser.js';
import { answering, describeWith } from '../helpers/components.js';
import { BASE_IMAGE_INSTALL, docker, haveDockerEngine, run, waitForHealthz } from '../helpers/docker.js';
import { freePort } from '../helpers/redis.js';

// The hosted partner sandbox as the README starts it (docker-compose.yml: two replicas on one
// Redis behind nginx, --auth accounts), driven through nginx's published port like a partner.

interface AccountEntry {
  username: string;
  password: string;
  oauth?: { key: string; secret: string };
  rateLimit?: number;
}
const ACCOUNTS = (parse(readFileSync(new URL('../../deploy/accounts.example.yaml', import.meta.url), 'utf8')) as { accounts: AccountEntry[] }).accounts;
const withOauth = ACCOUNTS.find((account) => account.oauth);
const withOwnLimit = ACCOUNTS.find((account) => account.rateLimit !== undefined && account !== withOauth);
if (!withOauth || !withOwnLimit) throw new Error('deploy/accounts.example.yaml: the stack test needs an account with oauth and another with a rateLimit');

/** What the vendor requires: `Basic base64(username:md5(password))`. */
const basicOf = ({ username, password }: AccountEntry) => `Basic ${Buffer.from(`${username}:${createHash('md5').update(password).digest('hex')}`).toString('base64')}`;
const PARTNER_A = { authorization: basicOf(withOauth) };
/** An account's budget a minute where it sets none: the contract's. */
const API_BUDGET = (parse(readFileSync(new URL('../../openapi/promotions.yaml', import.meta.url), 'utf8')) as { 'x-rate-limit': { requestsPerMinute: number } })['x-rate-limit'].requestsPerMinute;
const PARTNER_B = { authorization: basicOf(withOwnLimit) };

const freshId = () => randomBytes(12).toString('hex');
const customerPath = (promotionId: string, customerId: number | string) => `/api_gateway/v1/promotions/${promotionId}/deactivate?customerId=${customerId}`;
const globalPath = (promotionId: string) => `/api_gateway/v1/promotions/${promotionId}/deactivate`;

/** Waits until every container reports healthy (the image's HEALTHCHECK). */
async function allHealthy(containers: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (const container of containers) {
    while ((await docker('inspect', '-f', '{{.State.Health.Status}}', container)) !== 'healthy') {
      if (performance.now() > deadline) throw new Error(`${container} did not report healthy within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/** A container's log, both streams (the sandbox writes its refusals on stderr). */
async function logsOf(container: string): Promise<string> {
  const { stdout, stderr } = await run('docker', ['logs', container]);
  return `${stdout}${stderr}`;
}

const PROJECT = `promotions-sandbox-test-${process.pid}`;
const ADMIN_TOKEN = randomBytes(16).toString('hex');

/**
 * The fair-share bounds an operator sets for a stack, in a compose override file (small, so
 * that the tests reach them in a few calls): sessions per credential, sandbox calls a minute per
 * credential, refused credentials a minute per client address.
 */
const BOUNDS = { maxSessions: 5, adminRateLimit: 150, authFailureLimit: 5 };
const overrideDirectory = mkdtempSync(join(tmpdir(), 'sandbox-compose-'));
const OVERRIDE = join(overrideDirectory, 'bounds.override.yml');
writeFileSync(
  OVERRIDE,
  [
    'services:',
    '  sandbox:',
    '    environment:',
    `      SANDBOX_MAX_SESSIONS: "${BOUNDS.maxSessions}"`,
    `      SANDBOX_ADMIN_RATE_LIMIT: "${BOUNDS.adminRateLimit}"`,
    `      SANDBOX_AUTH_FAILURE_LIMIT: "${BOUNDS.authFailureLimit}"`,
    '',
  ].join('\n'),
);

describeWith(answering('a Docker engine with docker compose', haveDockerEngine() && composeCommand() !== undefined, `${BASE_IMAGE_INSTALL}; apt-get install docker-compose (docker-compose.yml pulls redis and nginx)`), 'the hosted partner sandbox (docker-compose.yml, through nginx)', () => {
  let origin = '';
  let publish = '';
  const stack = composeStack(PROJECT, {}, [OVERRIDE]);
  const up = () => stack.compose(['up', '--build', '--detach'], { SANDBOX_ADMIN_TOKEN: ADMIN_TOKEN, SANDBOX_PUBLISH: publish });
  /** Calls made with each credential through nginx: the rate-limit test knows what is spent. */
  const spent = new Map<string, number>();
  const call = async (method: string, path: string, headers: Record<string, string>, body?: object) => {
    if (headers.authorization && !path.startsWith('/__sandbox/')) spent.set(headers.authorization, (spent.get(headers.authorization) ?? 0) + 1);
    const sent = body ? { headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) } : { headers };
    const response = await fetch(`${origin}${path}`, { method, ...sent, signal: AbortSignal.timeout(10_000) });
    return { status: response.status, body: (await response.json()) as { data: unknown; errors: { code: number }[] | null } };
  };

  beforeAll(async () => {
    const port = await freePort();
    publish = `127.0.0.1:${port}`;
    origin = `http://${publish}`;
    // The README's command, with a project name and a loopback port of the test's own.
    await up();
    await waitForHealthz(origin, performance.now(), 60_000);
    const replicas = await stack.containers('sandbox');
    expect(replicas).toHaveLength(2);
    await allHealthy(replicas);
  }, 600_000);
  afterAll(async () => {
    // Whatever the tests left: no containers, network or volume of this project remain.
    await stack.compose(['down', '--volumes', '--timeout', '2']).catch(() => undefined);
    rmSync(overrideDirectory, { recursive: true, force: true });
  }, 120_000);

  /** Refused credentials sent before the guessing test: they count in its address's minute. */
  let refusedEarlier = 0;

  it('lets in an account of deploy/accounts.example.yaml with md5 Basic, and refuses an unknown one with 401', async () => {
    expect(await call('POST', customerPath(freshId(), 1), PARTNER_A)).toEqual({ status: 200, body: { data: true, errors: [] } });
    const stranger = basicOf({ username: 'nobody', password: 'guess' });
    const refused = await call('POST', customerPath(freshId(), 1), { authorization: stranger });
    refusedEarlier += 1;
    expect(refused.status).toBe(401);
    expect(refused.body.errors?.[0]?.code).toBe(401);
  });

  it('issues an OAuth token through nginx that every replica accepts', async () => {
    const response = await fetch(`${origin}/v3/oauth/token/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: withOauth.oauth?.key, secret: withOauth.oauth?.secret }),
    });
    expect(response.status).toBe(200);
    const token = ((await response.json()) as { data: { accessToken: string } }).data.accessToken;
    for (const replica of await stack.containers('sandbox')) {
      expect(await callReplica(replica, 'PUT', globalPath(freshId()), { 'x-cap-api-oauth-token': token }), replica).toEqual({ status: 200, body: { data: true, errors: [] } });
    }
  });

  it('keeps one world for an account across replicas, and another account does not see it', async () => {
    const [first, second] = await stack.containers('sandbox');
    const promotionId = freshId();
    // Suspended for the organisation through one replica: every customer's call, on the other, is 404.
    expect((await callReplica(first ?? '', 'PUT', globalPath(promotionId), PARTNER_A)).status).toBe(200);
    const afterwards = await callReplica(second ?? '', 'POST', customerPath(promotionId, 7), PARTNER_A);
    expect(afterwards.status).toBe(404);
    expect(afterwards.body.errors?.[0]?.code).toBe(404);
    // Through nginx, whichever replica answers, the same.
    for (let index = 0; index < 4; index += 1) expect((await call('POST', customerPath(promotionId, 8 + index), PARTNER_A)).status).toBe(404);
    // Partner B's world is its own: the promotion is still active there.
    expect(await call('POST', customerPath(promotionId, 7), PARTNER_B)).toEqual({ status: 200, body: { data: true, errors: [] } });
  });

  it('answers a URL too long in the envelope, from the sandbox and not from nginx', async () => {
    const long = await call('POST', `${customerPath(freshId(), 1)}&padding=${'x'.repeat(9_000)}`, PARTNER_A);
    expect(long.status).toBe(414);
    expect(long.body.errors?.[0]?.code).toBe(414);
  });

  it("gives the Postman collection the compose file's SANDBOX_PUBLIC_URL as baseUrl, whatever Host a client sends", async () => {
    // node:http, not fetch: fetch sends its own Host.
    const baseUrl = await new Promise<string | undefined>((resolve, reject) => {
      get(`${origin}/postman-collection.json`, { headers: { host: 'evil.example' } }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        response.on('end', () => resolve((JSON.parse(text) as { variable: { key: string; value: string }[] }).variable.find(({ key }) => key === 'baseUrl')?.value));
      }).on('error', reject);
    });
    expect(baseUrl).toBe('http://localhost:4010');
  });

  it('shares a pinned scenario across replicas', async () => {
    const [first, second] = await stack.containers('sandbox');
    expect((await callReplica(first ?? '', 'PUT', '/__sandbox/scenario', PARTNER_A, { name: 'open-cart' })).status).toBe(200);
    try {
      const pinned = await callReplica(second ?? '', 'POST', customerPath(freshId(), 5), PARTNER_A);
      expect(pinned.status).toBe(400);
      expect(pinned.body.errors?.[0]?.code).toBe(737);
    } finally {
      await callReplica(second ?? '', 'DELETE', '/__sandbox/scenario', PARTNER_A);
    }
    expect((await call('POST', customerPath(freshId(), 5), PARTNER_A)).status).toBe(200);
  });

  it("shares an account's rate budget across replicas: past its own rateLimit, 429 whichever replica answers", async () => {
    // What this file's earlier calls spent of the minute's budget.
    const limit = (withOwnLimit.rateLimit ?? 0) - (spent.get(PARTNER_B.authorization) ?? 0);
    const statuses: number[] = [];
    // In waves of ten, through nginx (which spreads them over both replicas).
    for (let sent = 0; sent < limit; sent += 10) {
      const wave = await Promise.all(Array.from({ length: Math.min(10, limit - sent) }, () => call('PUT', globalPath(freshId()), PARTNER_B)));
      statuses.push(...wave.map((answer) => answer.status));
    }
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    const over = await call('PUT', globalPath(freshId()), PARTNER_B);
    expect(over.status).toBe(429);
    expect(over.body.errors?.[0]?.code).toBe(429);
    for (const replica of await stack.containers('sandbox')) {
      expect((await callReplica(replica, 'PUT', globalPath(freshId()), PARTNER_B)).status, replica).toBe(429);
    }
  });

  describeInChromium('/docs through nginx', () => {
    let browser: Browser | undefined;
    afterAll(async () => {
      await browser?.close();
    });

    it('renders /docs in Chromium reached by a host name that is not loopback, over plain HTTP', async () => {
      const hostName = 'partners.sandbox.test';
      browser = await launchChromium([hostName]);
      const page = await browser.newPage();
      await page.goto(`http://${hostName}:${new URL(origin).port}/docs`);
      await page.locator('.opblock').first().waitFor({ timeout: 15_000 });
      const text = await page.locator('body').innerText();
      expect(text).toContain('deactivatePromotionForCustomer');
      expect(text).toContain('deactivatePromotionGlobally');
      expect(await page.locator('.servers select option').allInnerTexts()).toHaveLength(1);
      // The image ships the product's logo and favicon (assets/), and the MD5 library of the Basic form.
      expect(await page.locator('.topbar a.link img').getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
      const favicon = await fetch(`${origin}/docs/static/theme/favicon.svg`);
      expect(await favicon.text()).toBe(readFileSync(new URL('../../assets/favicon.svg', import.meta.url), 'utf8'));
      expect(await page.evaluate(() => typeof (globalThis as unknown as { md5?: unknown }).md5)).toBe('function');
    });
  });

  it('loses no acknowledged deactivation when a replica is killed under a stream of them, and keeps answering', async () => {
    const promotionId = freshId();
    const [victim] = await stack.containers('sandbox');
    const acknowledged: number[] = [];
    const failed: string[] = [];
    let next = 1;
    let killedAt = Number.POSITIVE_INFINITY;
    // Paced, and within the account's minute of calls with room to spare for the tests after it:
    // a fast machine would otherwise spend the budget and meet 429s, which are not the point here.
    const streamUntil = async (deadline: () => number) => {
      while (performance.now() < deadline() && (spent.get(PARTNER_A.authorization) ?? 0) < API_BUDGET * 0.8) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        const customerId = next;
        next += 1;
        try {
          const answer = await call('POST', customerPath(promotionId, customerId), PARTNER_A);
          if (answer.status === 200) acknowledged.push(customerId);
          else failed.push(`${customerId}: ${answer.status}`);
        } catch (error) {
          failed.push(`${customerId}: ${String(error)}`);
        }
      }
    };
    // Two clients in a row each, for a second; a replica killed; three seconds more.
    const streams = [streamUntil(() => killedAt + 3_000), streamUntil(() => killedAt + 3_000)];
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await docker('kill', victim ?? '');
    killedAt = performance.now();
    await Promise.all(streams);
    expect(acknowledged.length).toBeGreaterThan(50);
    // At most the calls in flight at the killed replica when it died: one per client.
    expect(failed.length, failed.join('\n')).toBeLessThanOrEqual(2);
    // Every acknowledged deactivation is remembered: the same call again is 404.
    const state = (await call('GET', '/__sandbox/state', PARTNER_A)).body.data as { changes: { inactiveParticipations: { customerId: string; promotionId: string }[] } };
    const remembered = new Set(state.changes.inactiveParticipations.filter((change) => change.promotionId === promotionId).map((change) => Number(change.customerId)));
    expect(acknowledged.filter((customerId) => !remembered.has(customerId))).toEqual([]);
    expect((await call('POST', customerPath(promotionId, acknowledged[0] ?? 0), PARTNER_A)).status).toBe(404);
    // The killed replica comes back with `up` (docker kill is a stop its restart policy respects).
    await up();
    await allHealthy(await stack.containers('sandbox'));
  });

  it('keeps every acknowledged change when Redis is killed and started again (append-only file)', async () => {
    const promotionId = freshId();
    expect((await call('PUT', globalPath(promotionId), PARTNER_A)).status).toBe(200);
    const [redis] = await stack.containers('redis');
    await docker('kill', redis ?? '');
    // Meanwhile the sandbox says it is not ready, in the envelope, and changes nothing.
    const during = await call('POST', customerPath(freshId(), 3), PARTNER_A);
    expect(during.status).toBe(503);
    await docker('start', redis ?? '');
    await expect.poll(() => fetch(`${origin}/readyz`).then((response) => response.status, () => 0), { timeout: 30_000, interval: 250 }).toBe(200);
    await expect.poll(async () => (await call('POST', customerPath(promotionId, 9), PARTNER_A)).status, { timeout: 10_000, interval: 250 }).toBe(404);
  });

  // The API budgets of both accounts may be spent by now (the rate-limit and replica tests): what
  // follows uses sandbox calls, a budget of their own.
  it("keeps one account's tenants whatever another account's sessions do: past --max-sessions an account loses its own oldest", async () => {
    const session = (name: string) => ({ ...PARTNER_A, 'x-sandbox-session': name });
    const pinOf = async (headers: Record<string, string>) => ((await call('GET', '/__sandbox/scenario', headers)).body.data as { scenario: string } | null)?.scenario ?? null;
    const clockOf = async (headers: Record<string, string>) => (await call('GET', '/__sandbox/clock', headers)).body.data as { advancedSeconds: number };
    // Partner B's own tenant: a pin, and its clock moved an hour on.
    expect((await call('PUT', '/__sandbox/scenario', PARTNER_B, { name: 'open-cart' })).status).toBe(200);
    expect((await call('POST', '/__sandbox/clock', PARTNER_B, { advanceSeconds: 3_600 })).status).toBe(200);
    // Partner A: a pinned session, then more sessions than it may keep, each with a pin, and
    // reads of sessions it never wrote (which make no tenant).
    expect((await call('PUT', '/__sandbox/scenario', session('oldest'), { name: 'open-cart' })).status).toBe(200);
    const sessions = Array.from({ length: BOUNDS.maxSessions + 2 }, (_, index) => `s-${String(index)}`);
    for (const name of sessions) expect((await call('PUT', '/__sandbox/scenario', session(name), { name: 'open-cart' })).status).toBe(200);
    for (let index = 0; index < 10; index += 1) expect((await call('GET', '/__sandbox/state', session(`ghost-${String(index)}`))).status).toBe(200);
    // A's oldest session is gone (the replicas touch tenants in the background: polled), its newest kept.
    await expect.poll(() => pinOf(session('oldest')), { timeout: 10_000, interval: 250 }).toBeNull();
    for (const name of sessions.slice(-(BOUNDS.maxSessions - 1))) expect(await pinOf(session(name)), name).toBe('open-cart');
    // B's pin and clock are untouched.
    expect(await pinOf(PARTNER_B)).toBe('open-cart');
    expect((await clockOf(PARTNER_B)).advancedSeconds).toBe(3_600);
    expect((await call('POST', '/__sandbox/reset', PARTNER_B)).status).toBe(200);
  });

  it("counts an account's sandbox calls against --admin-rate-limit, whichever replica answers, apart from the API's budget and other accounts", async () => {
    let over: Response | undefined;
    // In waves of ten through nginx, until the account's minute of sandbox calls is spent.
    for (let sent = 0; sent <= BOUNDS.adminRateLimit && !over; sent += 10) {
      const wave = await Promise.all(Array.from({ length: 10 }, () => fetch(`${origin}/__sandbox/scenario`, { headers: PARTNER_A, signal: AbortSignal.timeout(10_000) })));
      over = wave.find((response) => response.status === 429);
      expect(wave.filter((response) => response.status !== 200 && response.status !== 429).map((response) => response.status)).toEqual([]);
    }
    expect(over?.status).toBe(429);
    expect(Number(over?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await over?.json()) as { errors: { code: number }[] }).errors[0]?.code).toBe(429);
    for (const replica of await stack.containers('sandbox')) expect((await callReplica(replica, 'GET', '/__sandbox/scenario', PARTNER_A)).status, replica).toBe(429);
    // Another account's sandbox calls are not this budget.
    expect((await call('GET', '/__sandbox/scenario', PARTNER_B)).status).toBe(200);
  });

  it('serves the operator calls on the internal port only: on the published one they are an unknown path', async () => {
    const operator = { 'x-sandbox-operator-token': ADMIN_TOKEN };
    const outside = await call('GET', '/__sandbox/tenants', operator);
    expect(outside.status).toBe(404);
    expect(outside.body.errors?.[0]?.code).toBe(404);
    const [replica] = await stack.containers('sandbox');
    const inside = await callFrom(replica ?? '', 'http://proxy:8081', 'GET', '/__sandbox/tenants', operator);
    expect(inside.status).toBe(200);
  });

  it("tells clients apart behind nginx: refused credentials lock the guessing address out, not another's", async () => {
    const guess = { authorization: basicOf({ username: 'guesser', password: 'wrong-password-0' }) };
    // Until the first 429: the earlier tests' own refused credential may share this minute.
    const statuses: number[] = [];
    while (statuses.length <= BOUNDS.authFailureLimit && statuses.at(-1) !== 429) statuses.push((await call('POST', customerPath(freshId(), 1), guess)).status);
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.slice(0, -1).every((status) => status === 401)).toBe(true);
    expect(statuses.length - 1).toBeGreaterThanOrEqual(BOUNDS.authFailureLimit - refusedEarlier);
    // The right credential from the guessing address: refused too, so a right guess is not told apart.
    expect((await call('GET', '/__sandbox/scenario', PARTNER_B)).status).toBe(429);
    // From another address (a container of the stack, through nginx's public port): served.
    const [replica] = await stack.containers('sandbox');
    expect(await callFrom(replica ?? '', 'http://proxy', 'GET', '/__sandbox/scenario', PARTNER_B)).toEqual({ status: 200, body: { data: null, errors: [] } });
    // One warn line in all the replicas' logs, naming the username tried and never the password.
    const logs = (await Promise.all((await stack.containers('sandbox')).map(logsOf))).join('\n');
    expect(logs.split('\n').filter((line) => line.includes('"username":"guesser"'))).toHaveLength(1);
    expect(logs).not.toContain('wrong-password-0');
  });

  it('comes down with `down --volumes` without SANDBOX_ADMIN_TOKEN set', async () => {
    await stack.compose(['down', '--volumes', '--timeout', '2']);
    expect(await stack.containers('sandbox')).toEqual([]);
  }, 120_000);
});

describeWith(answering('a Docker engine with docker compose', haveDockerEngine() && composeCommand() !== undefined, 'apt-get install docker.io docker-compose'), 'the hosted partner sandbox without SANDBOX_ADMIN_TOKEN', () => {
  const stack = composeStack(`${PROJECT}-no-token`, {});
  afterAll(async () => {
    await stack.compose(['down', '--volumes', '--timeout', '2']).catch(() => undefined);
  }, 120_000);

  it('does not start: each replica stops with one line naming SANDBOX_ADMIN_TOKEN', async () => {
    const publish = `127.0.0.1:${await freePort()}`;
    await stack.compose(['up', '--build', '--detach'], { SANDBOX_PUBLISH: publish });
    const [replica] = await stack.containers('sandbox');
    await expect.poll(() => logsOf(replica ?? '').catch(() => ''), { timeout: 30_000, interval: 500 }).toMatch(/SANDBOX_ADMIN_TOKEN/);
    const log = await logsOf(replica ?? '');
    const first = log.split('\n')[0] ?? '';
    expect(first).toMatch(/^error: option '--admin-token <token>' \(or SANDBOX_ADMIN_TOKEN\) value a string of 0 characters is invalid/);
    expect(log).not.toMatch(/\n\s+at /);
    expect(log).not.toContain('Server listening');
    // It exited (and its restart policy starts it again, to stop again with the same line).
    await expect.poll(async () => Number(await docker('inspect', '-f', '{{.RestartCount}}', replica ?? '')), { timeout: 30_000, interval: 500 }).toBeGreaterThan(0);
  }, 600_000);
});
