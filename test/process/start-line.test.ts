import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadAccounts } from '../../src/auth/accounts-file.js';
import { isLoopback } from '../../src/start-line.js';
import { REQUIRED_KEYS } from '../../src/contract/catalogue.js';
import { type Finished, listeningUrl, startCli, stoppedAfterEach } from '../helpers/cli-process.js';
import { describeWith } from '../helpers/components.js';
import { REDIS_URL, REDIS_URL_SET } from '../helpers/redis.js';
import { theContract } from '../helpers/sandbox.js';

// The lines a person reads when the built command starts, on stderr beside the JSON log lines
// of stdout; and `/`, where a person's browser lands first.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const SHIPPED_SCENARIOS = readdirSync(join(ROOT, 'scenarios')).filter((name) => name.endsWith('.yaml')).length;
const ACCOUNTS = join(ROOT, 'deploy', 'accounts.example.yaml');

/** Starts the command with `args`, waits until it listens, stops it; what it wrote, and its URL. */
async function startAndStop(args: string[], env: NodeJS.ProcessEnv = { HOST: '127.0.0.1', PORT: '0' }): Promise<Finished & { url: string }> {
  const sandbox = startCli(args, env);
  const url = await listeningUrl(sandbox.output);
  // The lines are written once it listens: the log line comes first, stderr may trail it a moment.
  await new Promise((resolve) => setTimeout(resolve, 200));
  sandbox.child.kill('SIGTERM');
  return { ...(await sandbox.finished), url };
}
const jsonLines = (stdout: string) => stdout.trim().split('\n').map((line) => JSON.parse(line) as { level: number; msg: string });

describe('the start line', () => {
  it('says, on stderr, where to point a client and a browser, the auth mode, the store and how many scenarios; stdout stays JSON', async () => {
    const { code, stdout, stderr, url } = await startAndStop([]);
    expect(code).toBe(0);
    expect(stderr).toBe(`promotions-sandbox ${VERSION} on ${url}: docs ${url}/docs, auth open, store memory, ${SHIPPED_SCENARIOS} scenarios\n`);
    expect(() => jsonLines(stdout)).not.toThrow();
  });

  it('counts the accounts of --auth accounts', async () => {
    const { stderr, url } = await startAndStop(['--auth', 'accounts', '--accounts', ACCOUNTS]);
    const accounts = (await loadAccounts(ACCOUNTS)).length;
    expect(stderr).toBe(`promotions-sandbox ${VERSION} on ${url}: docs ${url}/docs, auth accounts (${accounts} accounts), store memory, ${SHIPPED_SCENARIOS} scenarios\n`);
  });

  it('says when it listens on every address', async () => {
    const { stderr, url } = await startAndStop(['--host', '0.0.0.0', '--port', '0'], {});
    expect(stderr).toBe(`promotions-sandbox ${VERSION} on ${url} (listening on every address, 0.0.0.0): docs ${url}/docs, auth open, store memory, ${SHIPPED_SCENARIOS} scenarios\n`);
  });

  it('warns when --auth off listens beyond loopback, on stderr and in the JSON log; not on loopback', async () => {
    const open = await startAndStop(['--auth', 'off', '--host', '0.0.0.0', '--port', '0'], {});
    const warning = '--auth off while listening on 0.0.0.0, beyond this machine: anyone who can reach it calls without credentials, in one shared world; for local play use --host 127.0.0.1, else --auth open or accounts';
    expect(open.stderr.split('\n')).toEqual([expect.stringMatching(/^promotions-sandbox .* auth off, /) as string, `promotions-sandbox: warning: ${warning}`, '']);
    expect(jsonLines(open.stdout)).toContainEqual(expect.objectContaining({ level: 40, msg: warning }));
    for (const host of ['127.0.0.1', 'localhost']) {
      const local = await startAndStop(['--auth', 'off', '--host', host, '--port', '0'], {});
      expect(local.stderr).not.toContain('warning');
    }
  });

  it('follows --log-level: at warn the warning alone, at silent nothing at all', async () => {
    const warn = await startAndStopQuiet(['--auth', 'off', '--host', '0.0.0.0', '--port', '0', '--log-level', 'warn']);
    expect(warn.stderr).toMatch(/^promotions-sandbox: warning: --auth off while listening on 0\.0\.0\.0.*\n$/);
    const silent = await startAndStopQuiet(['--auth', 'off', '--host', '0.0.0.0', '--port', '0', '--log-level', 'silent']);
    expect([silent.code, silent.stdout, silent.stderr]).toEqual([0, '', '']);
  });
});

/** As startAndStop, below `info`: no log line tells it listens, the address file does. */
async function startAndStopQuiet(args: string[]): Promise<Finished> {
  const file = join(mkdtempSync(join(tmpdir(), 'quiet-')), 'address');
  const sandbox = startCli([...args, '--address-file', file], {});
  await expect.poll(() => existsSync(file), { timeout: 15_000 }).toBe(true);
  await new Promise((resolve) => setTimeout(resolve, 200));
  sandbox.child.kill('SIGTERM');
  return sandbox.finished;
}

describe('loopback, where --auth off warns of nothing', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.10', false],
    ['sandbox.internal', false],
  ])('%s: %s', (host, loopback) => {
    expect(isLoopback(host)).toBe(loopback);
  });
});

describe('/ in a browser', () => {
  const running = stoppedAfterEach();

  it('redirects to /docs (302); another path is still 404 SANDBOX.ROUTE_NOT_FOUND, another method on / too', async () => {
    const sandbox = startCli([], { HOST: '127.0.0.1', PORT: '0' });
    running.push(sandbox);
    const url = await listeningUrl(sandbox.output);
    const home = await fetch(`${url}/`, { redirect: 'manual' });
    expect([home.status, home.headers.get('location')]).toEqual([302, '/docs']);
    await home.text();
    const followed = await fetch(`${url}/`);
    expect([followed.status, followed.url]).toEqual([200, `${url}/docs`]);
    expect(await followed.text()).toContain('swagger');
    const routeNotFound = (await theContract()).catalogue.get(REQUIRED_KEYS.routeNotFound);
    for (const [method, path] of [['GET', '/home'], ['POST', '/']]) {
      const answer = await fetch(`${url}${path}`, { method });
      expect([answer.status, await answer.json()]).toEqual([
        routeNotFound.httpStatus,
        { data: null, errors: [{ code: routeNotFound.code, message: `${routeNotFound.message} Got ${method} ${path}; the contract is at /openapi.json.` }] },
      ]);
    }
  });
});

describeWith(REDIS_URL_SET, 'the start line with --redis', () => {
  it('names the Redis store by its URL without the credentials', async () => {
    const redis = new URL(REDIS_URL ?? '');
    redis.username = 'default';
    redis.password = 'hunter2';
    const { stderr, url } = await startAndStop(['--redis', redis.toString()]);
    redis.username = '';
    redis.password = '';
    expect(stderr).toBe(`promotions-sandbox ${VERSION} on ${url}: docs ${url}/docs, auth open, store Redis at ${redis.toString()}, ${SHIPPED_SCENARIOS} scenarios\n`);
    expect(stderr).not.toContain('hunter2');
  });

  it('hides the values of the query too: ioredis reads a password there', async () => {
    // Redis here asks for no password: an empty one is not sent, and shows as a given one would.
    const redis = `redis://${new URL(REDIS_URL ?? '').host}/6`;
    const { stderr, url } = await startAndStop(['--redis', `${redis}?password=&db=6`]);
    expect(stderr).toBe(`promotions-sandbox ${VERSION} on ${url}: docs ${url}/docs, auth open, store Redis at ${redis}?password=[redacted]&db=[redacted], ${SHIPPED_SCENARIOS} scenarios\n`);
  });
});
