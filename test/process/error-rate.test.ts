import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { describeWith } from '../helpers/components.js';
import { listeningUrl, startCli } from '../helpers/cli-process.js';
import { REDIS_URL, REDIS_URL_SET } from '../helpers/redis.js';
import { DOCS_BASIC, PROMOTION_ID } from '../helpers/sandbox.js';

const LOCAL = { HOST: '127.0.0.1', PORT: '0' };
const ARGS = ['--error-rate', '0.3', '--error-seed', '7'];

/** Runs the built command with `args` and `env` until `work` is done. */
async function withCommand(args: string[], env: NodeJS.ProcessEnv, work: (url: string) => Promise<void>): Promise<void> {
  const sandbox = startCli(args, { ...LOCAL, ...env });
  try {
    await work(await listeningUrl(sandbox.output));
  } finally {
    sandbox.child.kill('SIGTERM');
    await sandbox.finished;
  }
}

/** `count` calls of a tenant, each answer as `<code>/<scenario or ->`: the per-customer and the global call in turn. */
async function run(url: string, session: string, count: number, from = 0): Promise<string[]> {
  const headers = { authorization: DOCS_BASIC, 'x-sandbox-session': session };
  const answers: string[] = [];
  for (let n = from; n < from + count; n += 1) {
    const path = n % 2 === 0 ? `/api_gateway/v1/promotions/${PROMOTION_ID}/deactivate?customerId=${String(800_000 + n)}` : `/api_gateway/v1/promotions/${PROMOTION_ID}/deactivate`;
    const response = await fetch(`${url}${path}`, { method: n % 2 === 0 ? 'POST' : 'PUT', headers });
    const body = (await response.json()) as { errors: { code: number }[] };
    answers.push(`${String(body.errors[0]?.code ?? response.status)}/${response.headers.get('x-sandbox-scenario') ?? '-'}`);
  }
  return answers;
}

/** What a seeded run must look like: some errors, of several codes, and plain answers between them. */
function expectSprinkled(answers: string[]): void {
  const sprinkled = answers.filter((answer) => !answer.endsWith('/-'));
  expect(sprinkled.length).toBeGreaterThanOrEqual(5);
  expect(sprinkled.length).toBeLessThanOrEqual(25);
  expect(new Set(sprinkled).size).toBeGreaterThanOrEqual(3);
}

describe('--error-rate 0.3 --error-seed 7 of the built command', () => {
  it('gives the same 40 answers after a restart; another seed, others; SANDBOX_ERROR_RATE alike', async () => {
    let first: string[] = [];
    await withCommand(ARGS, {}, async (url) => {
      first = await run(url, 'qa', 40);
    });
    expectSprinkled(first);
    await withCommand(ARGS, {}, async (url) => {
      expect(await run(url, 'qa', 40)).toEqual(first);
    });
    await withCommand([], { SANDBOX_ERROR_RATE: '0.3', SANDBOX_ERROR_SEED: '7' }, async (url) => {
      expect(await run(url, 'qa', 40)).toEqual(first);
    });
    await withCommand(['--error-rate', '0.3', '--error-seed', '8'], {}, async (url) => {
      expect(await run(url, 'qa', 40)).not.toEqual(first);
    });
  });

  it('refuses a rate that is not a fraction, naming the rule', async () => {
    const { code, stderr } = await startCli(['--error-rate', '1.5'], LOCAL).finished;
    expect(code).toBe(1);
    expect(stderr).toMatch(/--error-rate <fraction>' argument '1\.5' is invalid\. must be a fraction of calls, a number from 0 to 1/);
  });
});

describeWith(REDIS_URL_SET, 'the error rate of built commands on one Redis', () => {
  it('gives the memory store\'s 40 answers, again after a restart, and two processes share the tenant\'s sequence', async () => {
    // Tenants of this run's own (other suites share the Redis, so it is not flushed).
    const tenant = `qa-${randomUUID().slice(0, 8)}`;
    let onMemory: string[] = [];
    await withCommand(ARGS, {}, async (url) => {
      onMemory = await run(url, tenant, 40);
    });
    const env = { SANDBOX_REDIS_URL: REDIS_URL };
    // The first 20 calls, a restart, the next 20: the tenant's position (and world) were kept in Redis.
    let before: string[] = [];
    await withCommand(ARGS, env, async (url) => {
      before = await run(url, tenant, 20);
    });
    await withCommand(ARGS, env, async (url) => {
      expect([...before, ...(await run(url, tenant, 20, 20))]).toEqual(onMemory);
    });
    // Two replicas, one tenant, calls alternating between them: the one sequence of a single process.
    const shared = `${tenant}-shared`;
    await withCommand(ARGS, env, async (a) => {
      await withCommand(ARGS, env, async (b) => {
        const answers: string[] = [];
        for (let n = 0; n < 40; n += 4) answers.push(...(await run(a, shared, 2, n)), ...(await run(b, shared, 2, n + 2)));
        expect(answers).toEqual(onMemory);
      });
    });
  });
});
