import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { md5Hex } from '../../src/auth/credentials.js';
import { type RequestFilter, type RunningSandbox, startSandbox } from '../../src/index.js';
import { freePort } from '../helpers/redis.js';
import { DEACTIVATE_PATH } from '../helpers/sandbox.js';

const ACCOUNTS = fileURLToPath(new URL('../fixtures/accounts.yaml', import.meta.url));
/** `Authorization: Basic base64(user:md5(password))`, as the vendor requires, made here by hand. */
const accountBasic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${md5Hex(password)}`).toString('base64')}`;

/** A client's per-customer deactivation, with the headers it sends. */
const deactivate = (sandbox: RunningSandbox, customerId: number, headers: Record<string, string> = { authorization: sandbox.authorization }) =>
  fetch(`${sandbox.url}${DEACTIVATE_PATH}?customerId=${customerId}`, { method: 'POST', headers });
const codeOf = async (response: Response) => ((await response.json()) as { errors: { code: number }[] }).errors[0]?.code ?? response.status;
const countOf = async (sandbox: RunningSandbox, code: number) =>
  (await sandbox.coverage()).answers.find((answer) => answer.operationId === 'deactivatePromotionForCustomer' && answer.code === code)?.count;

describe('startSandbox(), from a Node test suite', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('listens on a free port of 127.0.0.1', () => {
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('pins a scenario, shows the requests, resets the world', async () => {
    await sandbox.reset({ requests: true });
    expect((await deactivate(sandbox, 1)).status).toBe(200);
    expect((await deactivate(sandbox, 1)).status).toBe(404);
    await sandbox.pin('open-cart', { count: 1 });
    expect(await codeOf(await deactivate(sandbox, 2))).toBe(737);
    expect((await sandbox.requests()).requests.map((entry) => entry.status)).toEqual([400, 404, 200]);
    await sandbox.reset();
    expect((await deactivate(sandbox, 1)).status).toBe(200);
    await sandbox.pin('unexpected-error');
    expect((await deactivate(sandbox, 3)).status).toBe(500);
    await sandbox.unpin();
    expect((await deactivate(sandbox, 4)).status).toBe(200);
  });

  it('coverage(): each documented answer with how many times the client received it', async () => {
    await sandbox.reset({ requests: true });
    const before = await sandbox.coverage();
    expect(before.covered).toBe(0);
    expect(before.total).toBe(before.answers.length);
    await deactivate(sandbox, 5);
    await deactivate(sandbox, 737_000_737);
    await deactivate(sandbox, 737_000_737);
    const after = await sandbox.coverage();
    expect(after.covered).toBe(2);
    expect(after.answers.find((answer) => answer.code === 737)).toMatchObject({ operationId: 'deactivatePromotionForCustomer', httpStatus: 400, key: 'PROMO.UNSUPPORTED_PREFERENCE_CHANGE_PENDING_CART', count: 2 });
  });

  it('clearRequests() empties the history and keeps the coverage', async () => {
    await sandbox.reset({ requests: true });
    await deactivate(sandbox, 6);
    expect((await sandbox.requests()).total).toBe(1);
    await sandbox.clearRequests();
    expect((await sandbox.requests()).total).toBe(0);
    expect(await countOf(sandbox, 200)).toBe(1);
  });

  it('reset() brings back the world and drops the pin, keeping the history and coverage; reset({ requests: true }) clears those too', async () => {
    await sandbox.reset({ requests: true });
    expect((await deactivate(sandbox, 7)).status).toBe(200);
    await sandbox.pin('unexpected-error');
    await sandbox.reset();
    // The world is the seed's again (the same deactivation succeeds once more) and the pin is gone.
    expect((await deactivate(sandbox, 7)).status).toBe(200);
    expect((await sandbox.requests()).requests.map((entry) => entry.status)).toEqual([200, 200]);
    expect(await countOf(sandbox, 200)).toBe(2);
    await sandbox.reset({ requests: true });
    expect((await sandbox.requests()).total).toBe(0);
    expect((await sandbox.coverage()).covered).toBe(0);
    expect((await deactivate(sandbox, 7)).status).toBe(200);
  });

  it('filters the requests: a client that retried 737 three times, then stopped, with what it sent', async () => {
    // The client under test: gives up after three attempts that get 737 (a pending cart).
    const clientDeactivate = async (customerId: number): Promise<void> => {
      for (let attempt = 1; attempt <= 3; attempt += 1) {
        const body = (await (await deactivate(sandbox, customerId)).json()) as { errors: { code: number }[] };
        if (body.errors[0]?.code !== 737) return;
      }
    };
    // A clean slate, then one 737 before the client runs, which `since` must leave out.
    await sandbox.reset({ requests: true });
    await sandbox.pin('open-cart', { count: 1 });
    expect(await codeOf(await deactivate(sandbox, 1))).toBe(737);
    const before = (await sandbox.requests({ limit: 1 })).requests[0];
    await sandbox.pin('open-cart');
    await clientDeactivate(566881933);
    await sandbox.unpin();
    const since = before?.requestId ?? new Date(0);
    const retried = await sandbox.requests({ operationId: 'deactivatePromotionForCustomer', code: 737, since });
    expect(retried.total).toBe(3);
    expect(retried.requests.map((entry) => entry.query)).toEqual(Array.from({ length: 3 }, () => ({ customerId: '566881933' })));
    expect(retried.requests[0]).toMatchObject({ body: null, headers: { authorization: '[redacted]' } });
    expect((await sandbox.requests({ since })).total).toBe(3);
    expect(await sandbox.requests({ code: 737, limit: 1 })).toMatchObject({ total: 4, requests: [retried.requests[0]] });
  });

  it('advanceClock(): 737, the clock 301 s on, then 200; setClock() past validTill: 706; reset() takes it back (as docs/scenarios.md shows)', async () => {
    await sandbox.reset({ requests: true });
    const start = await sandbox.clock();
    expect(start).toMatchObject({ mode: 'frozen', advancedSeconds: 0, time: start.start });
    expect(await codeOf(await deactivate(sandbox, 737_000_737))).toBe(737);
    expect(await sandbox.advanceClock(301)).toEqual({ ...start, time: new Date(Date.parse(start.start) + 301_000).toISOString(), advancedSeconds: 301 });
    expect((await deactivate(sandbox, 737_000_737)).status).toBe(200);
    expect((await sandbox.setClock(new Date('2100-01-01T00:00:00Z'))).time).toBe('2100-01-01T00:00:00.000Z');
    expect(await codeOf(await deactivate(sandbox, 6))).toBe(706);
    await expect(sandbox.advanceClock(-1)).rejects.toThrow(/advanceSeconds must be >= 0/);
    await expect(sandbox.setClock('2026-01-01T00:00:00Z')).rejects.toThrow(/the clock never moves back/);
    await sandbox.reset();
    expect(await sandbox.clock()).toEqual(start);
    expect(await codeOf(await deactivate(sandbox, 737_000_737))).toBe(737);
  });

  it('refuses a bad filter with the sandbox\'s message', async () => {
    await expect(sandbox.requests({ limit: 0 })).rejects.toThrow(/Query parameter limit must be >= 1/);
  });

  it('refuses a filter it does not know (a typo), naming it and the filters, rather than answering every call', async () => {
    await deactivate(sandbox, 4);
    const typo = { stauts: 999 } as unknown as RequestFilter;
    await expect(sandbox.requests(typo)).rejects.toThrow(
      /^GET \/__sandbox\/requests\?stauts=999: .* Query parameter "stauts" is not one GET \/__sandbox\/requests takes; it takes operationId, method, status, code, scenario, since, limit\.$/,
    );
  });

  it('says what is wrong when asked for a scenario that does not exist', async () => {
    await expect(sandbox.pin('no-such-scenario')).rejects.toThrow(/Scenario "no-such-scenario" does not exist/);
  });

  it('takes settings, each sandbox on a port of its own', async () => {
    const strict = await startSandbox({ unknownPromotions: 'not-found' });
    const response = await fetch(`${strict.url}/api_gateway/v1/promotions/0123456789abcdef01234567/deactivate`, { method: 'PUT', headers: { authorization: strict.authorization } });
    expect(response.status).toBe(404);
    expect(strict.url).not.toBe(sandbox.url);
    await strict.close();
  });

  it('serves metrics with { metrics: true }, and not by default', async () => {
    const measured = await startSandbox({ metrics: true });
    const metrics = await fetch(`${measured.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('# TYPE sandbox_answers_total counter');
    await measured.close();
    const response = await fetch(`${sandbox.url}/metrics`);
    expect(response.status).toBe(404);
    await response.text();
  });
});

describe('startSandbox({ session })', () => {
  it('acts on the session given, and refuses at start one the contract does not take', async () => {
    const sandbox = await startSandbox({ session: 'job-7' });
    try {
      await deactivate(sandbox, 8, { authorization: sandbox.authorization, 'x-sandbox-session': 'job-7' });
      await deactivate(sandbox, 8);
      expect((await sandbox.requests()).total).toBe(1);
    } finally {
      await sandbox.close();
    }
    await expect(startSandbox({ session: 'not a session!' })).rejects.toThrow(/^startSandbox: the sandbox refuses the helpers' calls \(400\): .*X-Sandbox-Session/i);
  });
});

describe('startSandbox({ port })', () => {
  it('listens on the port given, and says so naming it when the port is taken', async () => {
    const port = await freePort();
    const first = await startSandbox({ port });
    try {
      expect(first.url).toBe(`http://127.0.0.1:${port}`);
      expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
      await expect(startSandbox({ port })).rejects.toThrow(
        new Error(`startSandbox: port ${port} is in use on 127.0.0.1; pass another, or leave port out (or 0) for a free one`),
      );
    } finally {
      await first.close();
    }
  });
});

describe("startSandbox({ auth: 'accounts' }): the helpers need no more set-up", () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ auth: 'accounts', accounts: ACCOUNTS });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it("act with the first account's credential, and sandbox.authorization tells the client to send it", async () => {
    expect(sandbox.authorization).toBe(accountBasic('qa-till', 'qa:pass-1'));
    expect((await deactivate(sandbox, 1)).status).toBe(200);
    await sandbox.pin('open-cart', { count: 1 });
    expect(await codeOf(await deactivate(sandbox, 2))).toBe(737);
    expect((await sandbox.requests()).requests.map((entry) => entry.code)).toEqual([737, null]);
    expect(await countOf(sandbox, 737)).toBe(1);
    await sandbox.reset({ requests: true });
    expect((await sandbox.requests()).total).toBe(0);
  });

  it('see the calls the client made with the OAuth token of that account (one tenant)', async () => {
    await sandbox.reset({ requests: true });
    const token = await fetch(`${sandbox.url}/v3/oauth/token/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: 'qa-till-key', secret: 'qa-till-secret' }) });
    const { data } = (await token.json()) as { data: { accessToken: string } };
    expect((await deactivate(sandbox, 3, { 'x-cap-api-oauth-token': data.accessToken })).status).toBe(200);
    expect((await sandbox.requests()).total).toBe(1);
  });

  it('act as another account when given its credential', async () => {
    const second = await startSandbox({ auth: 'accounts', accounts: ACCOUNTS, authorization: accountBasic('second-till', 'second-pass') });
    try {
      expect((await deactivate(second, 4)).status).toBe(200);
      expect((await second.requests()).total).toBe(1);
      expect(await deactivate(second, 4, { authorization: accountBasic('qa-till', 'qa:pass-1') }).then((response) => response.status)).toBe(200);
      expect((await second.requests()).total).toBe(1);
    } finally {
      await second.close();
    }
  });

  it('refuse to start with a credential the accounts do not hold, saying which to pass', async () => {
    await expect(startSandbox({ auth: 'accounts', accounts: ACCOUNTS, authorization: accountBasic('qa-till', 'wrong') })).rejects.toThrow(
      new Error(
        `startSandbox: the sandbox (auth 'accounts') refuses the helpers' authorization given (401); pass authorization: an account's of ${ACCOUNTS}, Basic base64(username:md5(password)), or leave it out to use the first account's`,
      ),
    );
  });
});

describe("startSandbox({ auth: 'off' })", () => {
  it('a client without credentials and the helpers share the one tenant', async () => {
    const sandbox = await startSandbox({ auth: 'off' });
    try {
      await sandbox.pin('open-cart', { count: 1 });
      expect(await codeOf(await deactivate(sandbox, 1, {}))).toBe(737);
      expect((await deactivate(sandbox, 1, {})).status).toBe(200);
      expect((await sandbox.requests()).requests.map((entry) => entry.status)).toEqual([200, 400]);
      expect((await sandbox.coverage()).covered).toBe(2);
    } finally {
      await sandbox.close();
    }
  });
});
