import { expect, it } from 'vitest';
import { basicAuthorization } from '../../src/auth/credentials.js';
import { credentialOf } from '../../src/world/tenant-credential.js';
import { describeWith } from '../helpers/components.js';
import { listeningUrl, startCli, stoppedAfterEach } from '../helpers/cli-process.js';
import { flushRedis, REDIS_URL_SET, suiteRedisUrl } from '../helpers/redis.js';
import { PROMOTION_ID } from '../helpers/sandbox.js';

/** The suite's own database of the Redis of REDIS_URL: it flushes it. */
const REDIS = suiteRedisUrl('fair-shares');

const LOCAL = { HOST: '127.0.0.1', PORT: '0' };
const OPERATOR_TOKEN = 'fair-shares-operator-token-0123456789';
/** Account A (the busy one) and account B, from the fixture. */
const A = basicAuthorization('qa-till', 'qa:pass-1');
const B = basicAuthorization('second-till', 'second-pass');
const SESSIONS = 30;
const BOUNDS = ['--max-sessions', '4', '--max-tenants', '6'];

interface Envelope<T> {
  readonly data: T;
}

/**
 * Account A opens many sessions (past --max-sessions and --max-tenants) and reads many more it
 * never writes; account B's tenants keep everything, A loses only its own oldest sessions, and
 * the reads made none (the operator's list shows it).
 */
async function fairShares(url: string): Promise<void> {
  const as = (authorization: string, session?: string) => ({ authorization, ...(session === undefined ? {} : { 'x-sandbox-session': session }) });
  const deactivate = async (headers: Record<string, string>, customerId: string) =>
    (await fetch(`${url}/api_gateway/v1/promotions/${PROMOTION_ID}/deactivate?customerId=${customerId}&earnId=null`, { method: 'POST', headers })).status;
  const read = async <T>(headers: Record<string, string>, path: string): Promise<T> => {
    const answer = await fetch(`${url}/__sandbox/${path}`, { headers });
    expect(answer.status).toBe(200);
    return ((await answer.json()) as Envelope<T>).data;
  };
  const listed = async () => read<{ tenant: string; journal: number; pinned: boolean; changes: number }[]>({ 'x-sandbox-operator-token': OPERATOR_TOKEN }, 'tenants');

  // B: its own tenant changes its world; its session pins a scenario and is answered by it.
  expect(await deactivate(as(B), '100000001')).toBe(200);
  const pinned = await fetch(`${url}/__sandbox/scenario`, { method: 'PUT', headers: { ...as(B, 'b-pinned'), 'content-type': 'application/json' }, body: JSON.stringify({ name: 'open-cart' }) });
  expect(pinned.status).toBe(200);
  expect(await deactivate(as(B, 'b-pinned'), '100000002')).toBe(400);

  // A: a session per call, well past both bounds, and reads of sessions it never writes.
  for (let session = 0; session < SESSIONS; session += 1) {
    expect(await deactivate(as(A, `a-${String(session)}`), String(200_000_000 + session))).toBe(200);
    for (const path of ['state', 'requests', 'coverage', 'clock', 'scenario']) await read(as(A, `ghost-${String(session)}`), path);
  }
  // Reads of a session it has made, and one it no longer has, also through every read.
  expect((await read<{ total: number }>(as(A, `a-${String(SESSIONS - 1)}`), 'requests')).total).toBe(1);
  expect((await read<{ total: number }>(as(A, 'a-0'), 'requests')).total).toBe(0);

  const sessionOf = (tenant: string) => (tenant.includes('~') ? tenant.slice(tenant.indexOf('~') + 1) : '(own)');
  const tenants = await listed();
  const bCredential = credentialOf(tenants.find((summary) => sessionOf(summary.tenant) === 'b-pinned')?.tenant ?? '');
  // A holds --max-sessions: its four newest sessions; B holds all it made; no ghost.
  expect(tenants.map((summary) => sessionOf(summary.tenant))).toEqual(['a-29', 'a-28', 'a-27', 'a-26', 'b-pinned', '(own)']);
  expect(tenants.filter((summary) => credentialOf(summary.tenant) === bCredential).map((summary) => [summary.changes, summary.journal, summary.pinned])).toEqual([
    [0, 1, true],
    [1, 1, false],
  ]);

  // Past --max-tenants, a new session of B takes from A, which holds the most: A's oldest goes.
  expect(await deactivate(as(B, 'b-late'), '100000003')).toBe(200);
  expect((await listed()).map((summary) => sessionOf(summary.tenant))).toEqual(['b-late', 'a-29', 'a-28', 'a-27', 'b-pinned', '(own)']);

  // B's world, pin, history and coverage are all there.
  const state = await read<{ changes: { inactiveParticipations: { customerId: string }[] } }>(as(B), 'state');
  expect(state.changes.inactiveParticipations.map((change) => change.customerId)).toEqual(['100000001']);
  expect(await read(as(B, 'b-pinned'), 'scenario')).toMatchObject({ scenario: 'open-cart' });
  expect((await read<{ total: number }>(as(B, 'b-pinned'), 'requests')).total).toBe(1);
  expect((await read<{ total: number }>(as(B), 'requests')).total).toBe(1);
  const counted = async (session?: string) =>
    (await read<{ answers: { operationId: string; code: number; count: number }[] }>(as(B, session), 'coverage')).answers.filter((answer) => answer.count > 0).map((answer) => [answer.code, answer.count]);
  expect([await counted(), await counted('b-pinned')]).toEqual([[[200, 1]], [[737, 1]]]);
  // The reads kept B's tenants, and made none.
  expect((await listed()).length).toBe(6);
}

/** Runs the built command in accounts mode with the given flags until `work` is done. */
async function withAccounts(running: ReturnType<typeof startCli>[], flags: string[]): Promise<string> {
  const sandbox = startCli(['--auth', 'accounts', '--accounts', 'test/fixtures/accounts.yaml', '--admin-token', OPERATOR_TOKEN, ...BOUNDS, ...flags], LOCAL);
  running.push(sandbox);
  return listeningUrl(sandbox.output);
}

const running = stoppedAfterEach();

it('fair shares on the memory store: one account\'s sessions never push out another\'s tenants, and reads make none', async () => {
  await fairShares(await withAccounts(running, []));
});

describeWith(REDIS_URL_SET, 'fair shares on Redis', () => {
  it('fair shares on Redis: one account\'s sessions never push out another\'s tenants, and reads make none', async () => {
    await flushRedis(REDIS);
    await fairShares(await withAccounts(running, ['--redis', REDIS]));
  });
});
