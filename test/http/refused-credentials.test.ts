import { connect } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/app.js';
import { basicAuthorization } from '../../src/auth/credentials.js';
import { configWith } from '../../src/config.js';
import { MemoryStore } from '../../src/world/memory-store.js';
import { callOf, freshIds } from '../helpers/calls.js';
import { PROMOTION_ID, theContract, useSandbox } from '../helpers/sandbox.js';

// The refused-credentials guard through inject, with a fake clock: its window, IPv6 addresses,
// and that a good credential is never counted.

const PUT = 'deactivatePromotionGlobally';
const anyBasic = basicAuthorization('nobody', 'guess');

describe('refused credentials per client address', () => {
  // Open mode takes any Basic credential: only an unknown OAuth token is refused.
  const sandbox = useSandbox({ logLevel: 'info', authFailureLimit: 2 });
  const unknownToken = { 'x-cap-api-oauth-token': 'no-such-token' };
  const from = (remoteAddress: string, headers: Record<string, string>) => ({ ...callOf(PUT, freshIds(), headers), remoteAddress });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('refuses the address until its minute ends, then serves it again', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const statuses = [];
    for (let call = 0; call < 3; call += 1) statuses.push((await sandbox.app.inject(from('10.1.1.1', unknownToken))).statusCode);
    expect(statuses).toEqual([401, 401, 429]);
    const locked = await sandbox.app.inject(from('10.1.1.1', { authorization: anyBasic }));
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBe(60);
    vi.setSystemTime(Date.now() + 30_000);
    expect(Number((await sandbox.app.inject(from('10.1.1.1', { authorization: anyBasic }))).headers['retry-after'])).toBe(30);
    vi.setSystemTime(Date.now() + 30_001);
    expect((await sandbox.app.inject(from('10.1.1.1', { authorization: anyBasic }))).statusCode).toBe(200);
    expect((await sandbox.app.inject(from('10.1.1.1', unknownToken))).statusCode).toBe(401);
  });

  it('counts only refusals: any number of good calls from an address leave its guesses untouched', async () => {
    for (let call = 0; call < 20; call += 1) expect((await sandbox.app.inject(from('10.2.2.2', { authorization: anyBasic }))).statusCode).toBe(200);
    expect((await sandbox.app.inject(from('10.2.2.2', unknownToken))).statusCode).toBe(401);
    expect((await sandbox.app.inject(from('10.2.2.2', unknownToken))).statusCode).toBe(401);
    expect((await sandbox.app.inject(from('10.2.2.2', unknownToken))).statusCode).toBe(429);
  });

  it('takes an IPv6 address as its /64, as one host holds a whole /64', async () => {
    const statuses = [];
    for (const host of ['1', '2', '3']) statuses.push((await sandbox.app.inject(from(`2001:db8:1:2::${host}`, unknownToken))).statusCode);
    expect(statuses).toEqual([401, 401, 429]);
    expect((await sandbox.app.inject(from('2001:db8:1:3::1', { authorization: anyBasic }))).statusCode).toBe(200);
  });

  it('logs one warn line a burst, naming the address and the kind of credential, never the token', async () => {
    for (let call = 0; call < 6; call += 1) await sandbox.app.inject(from('10.3.3.3', unknownToken));
    const warnings = sandbox.logs.filter((line) => line.level === 40 && line.address === '10.3.3.3');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ credential: 'oauth token', refused: 3 });
    expect(JSON.stringify(sandbox.logs)).not.toContain('no-such-token');
  });
});

describe('a client gone while its OAuth token is looked up', () => {
  it('ends the call and stops nothing: the refusal counts no address and throws nowhere', async () => {
    const memory = new MemoryStore({ journalSize: 10, idleMs: 60_000, maxTenants: 100 });
    // A store whose token lookup takes a while, as Redis's does: the client leaves meanwhile.
    const slowTokens = new Proxy(memory, {
      get: (target, key: keyof MemoryStore) =>
        key === 'tokenIdentity'
          ? async (token: string) => {
              await new Promise((resolve) => setTimeout(resolve, 100));
              return target.tokenIdentity(token);
            }
          : (...args: unknown[]) => (Reflect.get(target, key) as (...given: unknown[]) => unknown).apply(target, args),
    });
    const app = await buildApp(configWith({ logLevel: 'silent' }), { contract: await theContract(), store: slowTokens });
    try {
      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = new URL(url);
      const socket = connect(Number(port), '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write(`PUT /api_gateway/v1/promotions/${PROMOTION_ID}/deactivate HTTP/1.1\r\nHost: x\r\nX-CAP-API-OAUTH-TOKEN: junk\r\n\r\n`);
      await new Promise((resolve) => setTimeout(resolve, 10));
      socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Still serving (an unhandled rejection would have failed this test run as well).
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
