import { afterEach, describe, expect, it, vi } from 'vitest';
import { basicAuthorization } from '../../src/auth/credentials.js';
import { callOf, freshIds } from '../helpers/calls.js';
import { useSandbox } from '../helpers/sandbox.js';

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
