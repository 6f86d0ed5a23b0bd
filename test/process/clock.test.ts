import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { describeWith } from '../helpers/components.js';
import { listeningUrl, startCli } from '../helpers/cli-process.js';
import { REDIS_URL, REDIS_URL_SET } from '../helpers/redis.js';
import { DOCS_BASIC, PROMOTION_ID } from '../helpers/sandbox.js';

const LOCAL = { HOST: '127.0.0.1', PORT: '0' };

/** A client of one running command, as one tenant (a session of the docs' credential). */
function clientOf(url: string, session: string) {
  const headers = { authorization: DOCS_BASIC, 'x-sandbox-session': session };
  const codeOf = async (response: Response) => {
    const body = (await response.json()) as { errors: { code: number }[] };
    return body.errors[0]?.code ?? response.status;
  };
  return {
    perCustomer: async (customerId: string, promotionId = PROMOTION_ID) =>
      codeOf(await fetch(`${url}/api_gateway/v1/promotions/${promotionId}/deactivate?customerId=${customerId}&earnId=null`, { method: 'POST', headers })),
    globally: async (promotionId: string) => codeOf(await fetch(`${url}/api_gateway/v1/promotions/${promotionId}/deactivate`, { method: 'PUT', headers })),
    move: async (body: object) => {
      const response = await fetch(`${url}/__sandbox/clock`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as { data: { time: string } | null } };
    },
    time: async () => ((await (await fetch(`${url}/__sandbox/clock`, { headers })).json()) as { data: { time: string } }).data.time,
  };
}

/** Runs the built command with `env` until `work` is done. */
async function withCommand(env: NodeJS.ProcessEnv, work: (url: string) => Promise<void>): Promise<void> {
  const sandbox = startCli([], { ...LOCAL, ...env });
  try {
    await work(await listeningUrl(sandbox.output));
  } finally {
    sandbox.child.kill('SIGTERM');
    await sandbox.finished;
  }
}

/** The three flows of time a partner's client must handle, through one running command. */
async function threeFlows(url: string, session: string): Promise<void> {
  const client = clientOf(url, session);
  expect(await client.perCustomer('737000737')).toBe(737);
  expect((await client.move({ advanceSeconds: 301 })).status).toBe(200);
  expect(await client.perCustomer('737000737')).toBe(200);

  expect(await client.globally('000000000000000000000811')).toBe(811);
  expect((await client.move({ advanceSeconds: 600 })).status).toBe(200);
  // 901 s on since the start: the 900 s job has ended.
  expect(await client.globally('000000000000000000000811')).toBe(200);

  expect(await client.perCustomer('200000200')).toBe(200);
  expect((await client.move({ time: '2100-01-01T00:00:00Z' })).body.data?.time).toBe('2100-01-01T00:00:00.000Z');
  expect(await client.perCustomer('200000201')).toBe(706);

  const back = await client.move({ advanceSeconds: -1 });
  expect(back.status).toBe(400);
  expect(await client.time()).toBe('2100-01-01T00:00:00.000Z');
}

describe('the clock of the built command', () => {
  it('737 → advance 301 s → 200, 811 → past the job → 200, 200 → past validTill → 706', async () => {
    await withCommand({}, (url) => threeFlows(url, 'flows'));
  });

  it('with SANDBOX_CLOCK=real, says so and follows the wall clock', async () => {
    await withCommand({ SANDBOX_CLOCK: 'real' }, async (url) => {
      const response = (await (await fetch(`${url}/__sandbox/clock`, { headers: { authorization: DOCS_BASIC } })).json()) as { data: { mode: string; time: string } };
      expect(response.data.mode).toBe('real');
      expect(Math.abs(Date.parse(response.data.time) - Date.now())).toBeLessThan(5_000);
    });
  });

  it('refuses a clock mode it does not have, naming the values', async () => {
    const { code, stderr } = await startCli(['--clock', 'fast'], LOCAL).finished;
    expect(code).toBe(1);
    expect(stderr).toMatch(/--clock <mode>' argument 'fast' is invalid\. Allowed choices are frozen, real/);
  });
});

describeWith(REDIS_URL_SET, 'the clock of two built commands on one Redis', () => {
  it('runs the three flows on Redis, and two processes agree on a tenant\'s time', async () => {
    // Tenants of this run's own (other suites share the Redis, so it is not flushed).
    const run = randomUUID().slice(0, 8);
    const env = { SANDBOX_REDIS_URL: REDIS_URL };
    await withCommand(env, async (first) => {
      await threeFlows(first, `flows-${run}`);
      await withCommand(env, async (second) => {
        const a = clientOf(first, `shared-clock-${run}`);
        const b = clientOf(second, `shared-clock-${run}`);
        expect(await a.perCustomer('737000737')).toBe(737);
        const start = await b.time();
        expect(await a.time()).toBe(start);
        await a.move({ advanceSeconds: 301 });
        expect(await b.time()).toBe(new Date(Date.parse(start) + 301_000).toISOString());
        expect(await b.perCustomer('737000737')).toBe(200);
        // The tenant 'flows' of the first process: its clock is where the flows left it, for the second too.
        expect(await clientOf(second, `flows-${run}`).time()).toBe('2100-01-01T00:00:00.000Z');
      });
    });
  });
});
