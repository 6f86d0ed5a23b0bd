import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { describeWith } from '../helpers/components.js';
import { type Finished, listeningUrl, runCli, startCli } from '../helpers/cli-process.js';
import { flushRedis, REDIS_URL_SET, suiteRedisUrl } from '../helpers/redis.js';
import { DEACTIVATE_PATH, DOCS_BASIC, PROMOTION_ID } from '../helpers/sandbox.js';
import { vipOpenCart } from '../helpers/own-scenario.js';

/** The suite's own database of the Redis of REDIS_URL: it flushes it. */
const REDIS = suiteRedisUrl('every-mode');

// Every mode and subcommand the README documents, each run as the built `dist/cli.js` with one
// real HTTP call (or one real run of the subcommand) whose answer is checked.

const LOCAL = { HOST: '127.0.0.1', PORT: '0' };
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ACCOUNTS = join(ROOT, 'deploy', 'accounts.example.yaml');
const TINY_CONTRACT = join(ROOT, 'test', 'fixtures', 'tiny-contract.yaml');
const TINY_SCENARIOS = join(ROOT, 'test', 'fixtures', 'tiny-scenarios');

const SUCCESS = { data: true, errors: [] };
const UNAUTHORIZED = { data: null, errors: [{ code: 401, message: 'Authentication failed. Please check username and password.' }] };

/** `Authorization: Basic base64(user:md5(password))`, as the vendor requires. */
const md5Basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${createHash('md5').update(password).digest('hex')}`).toString('base64')}`;

// Folders of one's own, made before the table is read (the rows name them in their arguments).
// Each holds only its own files, as the README says: they are served beside the shipped ones.
const TEMP = mkdtempSync(join(tmpdir(), 'every-mode-'));
/** A folder of one's own holding `files` (name: content). */
function scenarioFolder(folder: string, files: Record<string, string>): string {
  const directory = join(TEMP, folder);
  mkdirSync(directory);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(directory, name), content);
  return directory;
}
const SHIPPED_SCENARIOS = readdirSync(join(ROOT, 'scenarios')).filter((name) => name.endsWith('.yaml')).length;
/** A forced outage of the global call, for a folder that starts with one scenario of its own. */
const OWN_OUTAGE = `# yaml-language-server: $schema=./scenario.schema.json
name: own-outage
description: Our gateway's outage.
operations: [deactivatePromotionGlobally]
code: 500
forced: {}
`;
const WATCHED = scenarioFolder('watched', { 'own-outage.yaml': OWN_OUTAGE });
const WITH_VIP = scenarioFolder('with-vip', { 'vip-open-cart.yaml': vipOpenCart('555000222') });
const GOOD = scenarioFolder('good', { 'vip-open-cart.yaml': vipOpenCart('555000333') });
// Declares 706 where the world answers 737: a problem only the check against the rules finds.
const BROKEN = scenarioFolder('broken', { 'vip-open-cart.yaml': vipOpenCart('555000444', 706) });
// The shipped open-cart's magic customer, taken again by a scenario of one's own.
const CLASHING = scenarioFolder('clashing', { 'vip-open-cart.yaml': vipOpenCart('737000737') });
/** A copy of the shipped contract under another title: not the build's stored cache, read from YAML. */
const OWN_TITLE = 'Promotions deactivation API (a copy of our own)';
const OWN_CONTRACT = join(TEMP, 'contract', 'promotions.yaml');
mkdirSync(join(TEMP, 'contract'));
writeFileSync(
  OWN_CONTRACT,
  readFileSync(join(ROOT, 'openapi', 'promotions.yaml'), 'utf8').replace(/^ {2}title: .*$/m, `  title: ${OWN_TITLE}`),
);
afterAll(() => rmSync(TEMP, { recursive: true, force: true }));

interface Served {
  readonly url: string;
  readonly output: () => string;
}

// Every process a row starts; each row stops its own with SIGTERM and expects exit 0, and
// afterEach stops whatever a failing row left running.
const running: ReturnType<typeof startCli>[] = [];
async function serve(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Served> {
  const sandbox = startCli(args, { ...LOCAL, ...env });
  running.push(sandbox);
  return { url: await listeningUrl(sandbox.output), output: sandbox.output };
}
async function stopAll(): Promise<Finished[]> {
  const stopping = running.splice(0);
  for (const sandbox of stopping) sandbox.child.kill('SIGTERM');
  return Promise.all(stopping.map((sandbox) => sandbox.finished));
}
afterEach(async () => {
  await stopAll();
});
async function expectCleanExits(): Promise<void> {
  const exits = await stopAll();
  expect(exits.map((exit) => exit.code)).toEqual(exits.map(() => 0));
}

interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;
}
async function call(url: string, path: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(`${url}${path}`, init);
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text), headers: response.headers };
}
/** The path of the vendor's calls, for the helpers' promotion or another. */
const deactivatePath = (promotionId = PROMOTION_ID): string => DEACTIVATE_PATH.replace(PROMOTION_ID, promotionId);
/** The per-customer deactivation (POST). */
const forCustomer = (url: string, headers: Record<string, string>, customerId = '566881933', promotionId = PROMOTION_ID) =>
  call(url, `${deactivatePath(promotionId)}?customerId=${customerId}&earnId=null`, { method: 'POST', headers });
const codeOf = (answer: Answer): number => (answer.body as { errors?: { code: number }[] }).errors?.[0]?.code ?? answer.status;

interface ServeRow {
  readonly mode: string;
  readonly args: string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly check: (sandbox: Served, another: (args?: string[]) => Promise<Served>) => Promise<void>;
}

const SERVING: ServeRow[] = [
  {
    mode: '--auth open (the default): a Basic credential deactivates for a customer',
    args: [],
    check: async ({ url }) => {
      expect(await forCustomer(url, { authorization: DOCS_BASIC })).toMatchObject({ status: 200, body: SUCCESS });
    },
  },
  {
    mode: '--auth accounts, Basic with md5: the account gets in, a wrong password gets 401 in the envelope',
    args: ['--auth', 'accounts', '--accounts', ACCOUNTS],
    check: async ({ url }) => {
      expect(await forCustomer(url, { authorization: md5Basic('partner-a-till', 'change-me-a') })).toMatchObject({ status: 200, body: SUCCESS });
      expect(await forCustomer(url, { authorization: md5Basic('partner-a-till', 'change-me-b') })).toMatchObject({ status: 401, body: UNAUTHORIZED });
    },
  },
  {
    mode: '--auth accounts, OAuth: the token of the account\'s key and secret gets in',
    args: ['--auth', 'accounts', '--accounts', ACCOUNTS],
    check: async ({ url }) => {
      const token = await call(url, '/v3/oauth/token/generate', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ key: 'partner-a-key', secret: 'change-me-a-secret' }),
      });
      expect(token).toMatchObject({ status: 200, body: { data: { accessToken: expect.any(String) as string, ttlSeconds: 300 } } });
      const accessToken = (token.body as { data: { accessToken: string } }).data.accessToken;
      expect(await forCustomer(url, { 'x-cap-api-oauth-token': accessToken })).toMatchObject({ status: 200, body: SUCCESS });
    },
  },
  {
    mode: '--auth off: no credentials needed',
    args: ['--auth', 'off'],
    check: async ({ url }) => {
      expect(await forCustomer(url, {})).toMatchObject({ status: 200, body: SUCCESS });
    },
  },
  {
    mode: '--watch: a new scenario file is served after the reload; a broken edit keeps the last good set',
    args: ['--watch', '--scenarios', WATCHED],
    check: async ({ url, output }) => {
      const names = async () => ((await call(url, '/__sandbox/scenarios', { headers: { authorization: DOCS_BASIC } })).body as { data: { name: string }[] }).data.map((scenario) => scenario.name);
      expect(await names()).not.toContain('vip-open-cart');
      // A 737 changes nothing, so the call can be asked again.
      const vip = () => forCustomer(url, { authorization: DOCS_BASIC }, '555000111').then(codeOf);
      writeFileSync(join(WATCHED, 'vip-open-cart.yaml'), vipOpenCart('555000111'));
      // Polled on the list, which changes nothing (a call before the reload would deactivate the customer).
      await expect.poll(names, { timeout: 10_000 }).toContain('vip-open-cart');
      // The reload serves the union again: the folder's two and every shipped scenario.
      expect(await names()).toHaveLength(SHIPPED_SCENARIOS + 2);
      expect(await vip()).toBe(737);
      writeFileSync(join(WATCHED, 'vip-open-cart.yaml'), 'name: vip-open-cart\n  code: [737\n');
      await expect.poll(output, { timeout: 10_000 }).toContain('scenario files are broken; the last good set keeps serving');
      expect(await vip()).toBe(737);
      expect((await call(url, '/healthz')).status).toBe(200);
    },
  },
  {
    mode: '--contract: a contract of one\'s own is served as written',
    args: ['--contract', OWN_CONTRACT],
    check: async ({ url }) => {
      expect(await call(url, '/openapi.json')).toMatchObject({ status: 200, body: { openapi: '3.1.0', info: { title: OWN_TITLE } } });
      expect(await forCustomer(url, { authorization: DOCS_BASIC })).toMatchObject({ status: 200, body: SUCCESS });
    },
  },
  {
    mode: '--scenarios: a folder\'s own scenario is listed beside the shipped ones, its magic value gets its code, and the shipped ones still answer',
    args: ['--scenarios', WITH_VIP],
    check: async ({ url }) => {
      const listed = await call(url, '/__sandbox/scenarios', { headers: { authorization: DOCS_BASIC } });
      expect(listed.status).toBe(200);
      const scenarios = (listed.body as { data: { name: string; source: string }[] }).data;
      expect(scenarios).toHaveLength(SHIPPED_SCENARIOS + 1);
      expect(scenarios).toContainEqual(
        expect.objectContaining({ name: 'vip-open-cart', code: 737, operations: ['deactivatePromotionForCustomer'], source: 'own' }),
      );
      expect(scenarios).toContainEqual(expect.objectContaining({ name: 'open-cart', source: 'shipped' }));
      const answer = await forCustomer(url, { authorization: DOCS_BASIC }, '555000222');
      expect(answer.status).toBe(400);
      expect(codeOf(answer)).toBe(737);
      expect(answer.headers.get('x-sandbox-scenario')).toBe('vip-open-cart');
      const shipped = await forCustomer(url, { authorization: DOCS_BASIC, 'x-sandbox-scenario': 'open-cart' });
      expect([shipped.status, codeOf(shipped), shipped.headers.get('x-sandbox-scenario')]).toEqual([400, 737, 'open-cart']);
      expect(codeOf(await forCustomer(url, { authorization: DOCS_BASIC }, '737000737'))).toBe(737);
      expect(codeOf(await forCustomer(url, { authorization: DOCS_BASIC, prefer: 'code=500' }))).toBe(500);
    },
  },
  {
    mode: '--only-own-scenarios (here as SANDBOX_ONLY_OWN_SCENARIOS, with SANDBOX_SCENARIOS): the folder alone, the shipped scenarios gone',
    args: [],
    env: { SANDBOX_SCENARIOS: WITH_VIP, SANDBOX_ONLY_OWN_SCENARIOS: 'true' },
    check: async ({ url }) => {
      const listed = await call(url, '/__sandbox/scenarios', { headers: { authorization: DOCS_BASIC } });
      expect((listed.body as { data: { name: string }[] }).data.map((scenario) => scenario.name)).toEqual(['vip-open-cart']);
      expect(codeOf(await forCustomer(url, { authorization: DOCS_BASIC }, '555000222'))).toBe(737);
      const shipped = await forCustomer(url, { authorization: DOCS_BASIC, 'x-sandbox-scenario': 'open-cart' });
      expect([shipped.status, codeOf(shipped)]).toEqual([422, 422]);
      expect(await forCustomer(url, { authorization: DOCS_BASIC }, '737000737')).toMatchObject({ status: 200, body: SUCCESS });
    },
  },
  {
    mode: '--seed: a body generated from a schema is the same for the same seed, another for another seed',
    args: ['--seed', '7', '--contract', TINY_CONTRACT, '--scenarios', TINY_SCENARIOS, '--only-own-scenarios'],
    check: async ({ url }, another) => {
      const gadgets = await call(url, '/gadgets');
      expect(gadgets).toMatchObject({ status: 200, body: { total: expect.any(Number) as number, gadgets: expect.any(Array) as unknown[] } });
      expect((await call((await another()).url, '/gadgets')).body).toEqual(gadgets.body);
      const otherSeed = await another(['--seed', '8', '--contract', TINY_CONTRACT, '--scenarios', TINY_SCENARIOS, '--only-own-scenarios']);
      expect((await call(otherSeed.url, '/gadgets')).body).not.toEqual(gadgets.body);
    },
  },
];

describe('promotions-sandbox, built, in every documented mode', () => {
  it.each(SERVING.map((row) => [row.mode, row] as const))('%s', async (_mode, { args, env, check }) => {
    await check(await serve(args, env), (other = args) => serve(other, env));
    await expectCleanExits();
  });
});

describeWith(REDIS_URL_SET, 'promotions-sandbox, built, with --redis', () => {
  it('--redis: two processes on one Redis share the world (a global deactivation through one, 404 per customer through the other)', async () => {
    await flushRedis(REDIS);
    const [one, two] = await Promise.all([serve(['--redis', REDIS]), serve(['--redis', REDIS])]);
    const promotionId = randomBytes(12).toString('hex');
    const key = { authorization: DOCS_BASIC };
    expect(await call(one.url, deactivatePath(promotionId), { method: 'PUT', headers: key })).toMatchObject({ status: 200, body: SUCCESS });
    const other = await forCustomer(two.url, key, '566881933', promotionId);
    expect(other.status).toBe(404);
    expect(codeOf(other)).toBe(404);
    await expectCleanExits();
  });
});

interface CommandRow {
  readonly command: string;
  readonly run: () => Promise<Finished>;
  readonly check: (finished: Finished) => void;
}

const COMMANDS: CommandRow[] = [
  {
    command: 'validate DIR, a good folder',
    run: () => runCli(['validate', GOOD]),
    check: ({ code, stdout }) => {
      expect(code).toBe(0);
      expect(stdout).toContain(`${SHIPPED_SCENARIOS + 1} scenarios, 1 of ${GOOD} and ${SHIPPED_SCENARIOS} shipped: all valid.`);
    },
  },
  {
    command: 'validate DIR, a folder whose magic value a shipped scenario has: both files named',
    run: () => runCli(['validate', CLASHING]),
    check: ({ code, stderr }) => {
      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toContainEqual(
        `${join(CLASHING, 'vip-open-cart.yaml')}:11:3 /magic: these magic values also select open-cart (${join(ROOT, 'scenarios', 'open-cart.yaml')}) on deactivatePromotionForCustomer`,
      );
    },
  },
  {
    command: '--scenarios DIR, a folder whose magic value a shipped scenario has: the start fails naming both files',
    run: () => runCli(['--scenarios', CLASHING], LOCAL),
    check: ({ code, stderr }) => {
      expect(code).toBe(1);
      expect(stderr).toContain(`${join(CLASHING, 'vip-open-cart.yaml')}:11:3 /magic: these magic values also select open-cart (${join(ROOT, 'scenarios', 'open-cart.yaml')})`);
      expect(stderr).not.toMatch(/\n\s+at /);
    },
  },
  {
    command: 'validate DIR --only-own-scenarios, the same folder alone: no clash',
    run: () => runCli(['validate', CLASHING, '--only-own-scenarios']),
    check: ({ code, stdout }) => {
      expect(code).toBe(0);
      expect(stdout).toContain(`1 scenario in ${CLASHING}: all valid.`);
    },
  },
  {
    command: 'validate DIR, a broken folder',
    run: () => runCli(['validate', BROKEN]),
    check: ({ code, stderr }) => {
      expect(code).toBe(1);
      expect(stderr).toMatch(/vip-open-cart\.yaml:11:3 \/magic: .*737, not 706/);
    },
  },
  {
    command: 'verify --base-url, against a running sandbox',
    run: async () => runCli(['verify', '--base-url', (await serve([])).url]),
    check: ({ code, stdout }) => {
      expect(code).toBe(0);
      const [, passed, failed] = /^(\d+) passed, (\d+) failed, \d+ skipped$/m.exec(stdout) ?? [];
      expect(Number(passed)).toBeGreaterThan(0);
      expect(Number(failed)).toBe(0);
      expect(stdout.match(/^✓ /gm)).toHaveLength(Number(passed));
    },
  },
  {
    command: 'verify --base-url, against a sandbox with a folder of one\'s own: every shipped check passes, as without it',
    run: async () => {
      const plain = await runCli(['verify', '--base-url', (await serve([])).url]);
      const withOwn = await runCli(['verify', '--base-url', (await serve(['--scenarios', WITH_VIP])).url]);
      const passedChecks = (finished: Finished) => finished.stdout.match(/^✓ .*$/gm) ?? [];
      expect(passedChecks(plain).length).toBeGreaterThan(0);
      expect(passedChecks(withOwn)).toEqual(passedChecks(plain));
      return withOwn;
    },
    check: ({ code, stdout }) => {
      expect(code).toBe(0);
      expect(stdout).toMatch(/^\d+ passed, 0 failed, \d+ skipped$/m);
    },
  },
  {
    command: 'coverage --base-url --basic, after one call with that credential',
    run: async () => {
      const { url } = await serve([]);
      expect(await forCustomer(url, { authorization: md5Basic('coverage-client', 'pw') })).toMatchObject({ status: 200, body: SUCCESS });
      return runCli(['coverage', '--base-url', url, '--basic', 'coverage-client:pw']);
    },
    check: ({ code, stdout }) => {
      expect(code).toBe(0);
      expect(stdout).toContain('✓ deactivatePromotionForCustomer 200: received 1 time');
      expect(stdout).toMatch(/^1 of \d+ documented answers received/m);
    },
  },
  {
    command: '--help',
    run: () => runCli(['--help']),
    check: ({ code, stdout }) => {
      expect(code).toBe(0);
      expect(stdout).toMatch(/--auth <mode>/);
    },
  },
  {
    command: 'a bad flag, --auth maybe',
    run: () => runCli(['--auth', 'maybe'], LOCAL),
    check: ({ code, stderr }) => {
      expect(code).not.toBe(0);
      // The one line, then commander's pointer to --help.
      expect(stderr.trim().split('\n')).toEqual([
        "error: option '--auth <mode>' argument 'maybe' is invalid. Allowed choices are open, accounts, off.",
        '(run promotions-sandbox --help for the settings)',
      ]);
      expect(stderr).not.toMatch(/\n\s+at /);
    },
  },
];

describe('promotions-sandbox, built: its subcommands and flags', () => {
  it.each(COMMANDS.map((row) => [row.command, row] as const))('%s', async (_command, { run, check }) => {
    check(await run());
    await expectCleanExits();
  });
});
