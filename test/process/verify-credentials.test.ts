import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { md5Hex } from '../../src/auth/credentials.js';
import { type Finished, listeningUrl, runCli, startCli } from '../helpers/cli-process.js';
import { freePort } from '../helpers/redis.js';
import { DEACTIVATE_PATH } from '../helpers/sandbox.js';

// verify and coverage, run as the built dist/cli.js, against a real sandbox that refuses
// credentials (--auth accounts), one that needs none (--auth off), and servers that are no sandbox.

const ACCOUNTS = fileURLToPath(new URL('../fixtures/accounts.yaml', import.meta.url));
const LOCAL = { HOST: '127.0.0.1', PORT: '0' };
const PASS = "pass the client's with --basic <user:password> (SANDBOX_BASIC), --authorization <header> (SANDBOX_AUTHORIZATION), or --oauth-key and --oauth-secret (SANDBOX_OAUTH_KEY, SANDBOX_OAUTH_SECRET)";

/** What coverage says of a tenant with no call recorded. */
const noCall = (url: string) =>
  `✗ no call of the vendor's operations was recorded for these credentials on ${url}: each credential is its own tenant, so pass the one your client sends; --basic (SANDBOX_BASIC) sends base64(user:md5(password)), while --authorization (SANDBOX_AUTHORIZATION) sends the header as the client does`;

/** The lines a run printed, on both streams. */
const linesOf = ({ stdout, stderr }: Finished) => `${stdout}${stderr}`.trim().split('\n');

const sandboxes: ReturnType<typeof startCli>[] = [];
async function serve(args: string[]): Promise<string> {
  const sandbox = startCli(args, LOCAL);
  sandboxes.push(sandbox);
  return listeningUrl(sandbox.output);
}
afterAll(async () => {
  for (const sandbox of sandboxes) sandbox.child.kill('SIGTERM');
  await Promise.all(sandboxes.map((sandbox) => sandbox.finished));
});

describe('against a sandbox with --auth accounts', () => {
  let url = '';
  beforeAll(async () => {
    url = await serve(['--auth', 'accounts', '--accounts', ACCOUNTS]);
  });

  it('verify without credentials: one line, the sandbox refused them (401), which flags to pass; exit 1', async () => {
    const run = await runCli(['verify', '--base-url', url]);
    expect(run.code).toBe(1);
    expect(linesOf(run)).toEqual([
      `✗ cannot verify ${url}: the sandbox refused the credentials (401): none were given, and the tool's own verify:verify is a tenant with --auth open only; ${PASS}`,
    ]);
  });

  it('verify with a wrong password or OAuth secret: the same reason, the secret never printed; in JUnit and JSON too', async () => {
    const basic = await runCli(['verify', '--base-url', url, '--basic', 'qa-till:not-the-password', '--json']);
    expect(basic.code).toBe(1);
    expect((JSON.parse(basic.stdout) as { error: string; results: unknown[] })).toMatchObject({
      error: `cannot verify ${url}: the sandbox refused the credentials (401): the Basic credential given (--basic); ${PASS}`,
      results: [],
    });
    const oauth = await runCli(['verify', '--base-url', url], { SANDBOX_OAUTH_KEY: 'qa-till-key', SANDBOX_OAUTH_SECRET: 'not-the-secret' });
    expect(oauth.code).toBe(1);
    expect(linesOf(oauth)).toEqual([`✗ cannot verify ${url}: the sandbox refused the credentials (401): the OAuth key and secret given (--oauth-key); ${PASS}`]);
    for (const run of [basic, oauth]) {
      expect(`${run.stdout}${run.stderr}`).not.toMatch(/not-the-password|not-the-secret/);
      expect(`${run.stdout}${run.stderr}`).not.toContain(md5Hex('not-the-password'));
    }
  });

  it('verify and coverage with an Authorization header the sandbox refuses: the header given (--authorization), never printed', async () => {
    const header = `Basic ${Buffer.from('qa-till:not-the-md5').toString('base64')}`;
    for (const command of ['verify', 'coverage']) {
      const run = await runCli([command, '--base-url', url, '--authorization', header]);
      expect(run.code).toBe(1);
      const reason = `the sandbox refused the credentials (401): the Authorization header given (--authorization); ${PASS}`;
      expect(linesOf(run)).toEqual([command === 'verify' ? `✗ cannot verify ${url}: ${reason}` : `✗ cannot read the coverage from ${url}: ${reason}`]);
      expect(`${run.stdout}${run.stderr}`).not.toContain(header.slice(6));
    }
  });

  it("verify with an account's credentials checks every documented answer", async () => {
    const run = await runCli(['verify', '--base-url', url, '--basic', 'qa-till:qa:pass-1']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\d+ passed, 0 failed, 0 skipped$/m);
  });

  it('coverage without credentials, or with refused ones: exit 1 with that reason, not an empty coverage', async () => {
    const none = await runCli(['coverage', '--base-url', url]);
    expect(none.code).toBe(1);
    expect(linesOf(none)).toEqual([`✗ cannot read the coverage from ${url}: the sandbox refused the credentials (401): none were given; ${PASS}`]);
    const wrong = await runCli(['coverage', '--base-url', url, '--basic', 'qa-till:wrong', '--require-all']);
    expect(wrong.code).toBe(1);
    expect(linesOf(wrong)).toEqual([`✗ cannot read the coverage from ${url}: the sandbox refused the credentials (401): the Basic credential given (--basic); ${PASS}`]);
    const oauth = await runCli(['coverage', '--base-url', url, '--oauth-key', 'qa-till-key', '--oauth-secret', 'wrong']);
    expect(oauth.code).toBe(1);
    expect(linesOf(oauth)).toEqual([`✗ cannot read the coverage from ${url}: the sandbox refused the credentials (401): the OAuth key and secret given (--oauth-key); ${PASS}`]);
  });

  it("coverage with an account's credentials: that account's calls", async () => {
    const client = { authorization: `Basic ${Buffer.from(`second-till:${md5Hex('second-pass')}`).toString('base64')}` };
    expect((await fetch(`${url}${DEACTIVATE_PATH}?customerId=31`, { method: 'POST', headers: client })).status).toBe(200);
    const run = await runCli(['coverage', '--base-url', url, '--basic', 'second-till:second-pass']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('✓ deactivatePromotionForCustomer 200: received 1 time');
  });
});

describe('against a sandbox with --auth open (the default)', () => {
  it("coverage without credentials: exit 1, none were given (not the empty coverage of a tenant nobody's client is)", async () => {
    const url = await serve([]);
    const run = await runCli(['coverage', '--base-url', url, '--min', '0']);
    expect(run.code).toBe(1);
    expect(linesOf(run)).toEqual([`✗ cannot read the coverage from ${url}: the sandbox refused the credentials (401): none were given; ${PASS}`]);
  });
});

describe('against a sandbox with --auth open: the tenant of the README\'s curl (Basic Y2k6Y2k=, ci:ci as is)', () => {
  let url = '';
  beforeAll(async () => {
    url = await serve([]);
    const curl = await fetch(`${url}${DEACTIVATE_PATH}?customerId=1`, { method: 'POST', headers: { authorization: 'Basic Y2k6Y2k=', 'x-sandbox-scenario': 'open-cart' } });
    expect(curl.status).toBe(400);
  });

  it("coverage --require-all prints the README's lines as printed: the report on stdout, nothing on stderr, exit 1", async () => {
    const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
    const command = "coverage --base-url http://localhost:4010 --authorization 'Basic Y2k6Y2k=' --require-all\n";
    const block = readme.slice(readme.indexOf(command) + command.length).split('```')[0] ?? '';
    // The README's output lines, without the comment a line may carry after two spaces.
    const printed = block.split('\n').filter((line) => line.startsWith('# ')).map((line) => line.slice(2).replace(/ {2,}\(.*\)$/, ''));
    expect(printed.length).toBeGreaterThan(1);
    const run = await runCli(['coverage', '--base-url', url, '--authorization', 'Basic Y2k6Y2k=', '--require-all']);
    expect([run.code, run.stderr]).toEqual([1, '']);
    const report = run.stdout.trim().split('\n');
    for (const line of printed) expect(report).toContain(line);
    expect(report.at(-1)).toBe(printed.at(-1));
  });

  it('coverage --basic ci:ci reads another tenant (base64(ci:md5(ci))): exit 1, no call recorded, and why, not "0 of 20 … OK"', async () => {
    const run = await runCli(['coverage', '--base-url', url, '--basic', 'ci:ci']);
    expect(run.code).toBe(1);
    expect(linesOf(run)).toEqual([noCall(url)]);
  });

  it('coverage --authorization sends the header as the curl did: that tenant\'s calls; SANDBOX_AUTHORIZATION too', async () => {
    const flag = await runCli(['coverage', '--base-url', url, '--authorization', 'Basic Y2k6Y2k=']);
    expect(flag.code).toBe(0);
    expect(flag.stdout).toContain('✓ deactivatePromotionForCustomer 737 PROMO.UNSUPPORTED_PREFERENCE_CHANGE_PENDING_CART: received 1 time');
    const env = await runCli(['coverage', '--base-url', url, '--min', '1'], { SANDBOX_AUTHORIZATION: 'Basic Y2k6Y2k=' });
    expect(env.code).toBe(0);
    expect(env.stdout).toMatch(/^1 of \d+ documented answers received/m);
  });

  it('an empty coverage in a session names the session; a JUnit report says the same', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'coverage-'));
    const junit = join(folder, 'coverage.xml');
    const run = await runCli(['coverage', '--base-url', url, '--authorization', 'Basic Y2k6Y2k=', '--session', 'job-9', '--junit', junit]);
    expect(run.code).toBe(1);
    expect(linesOf(run)).toEqual([noCall(url).replace('these credentials on', 'these credentials in session "job-9" on')]);
    expect(readFileSync(junit, 'utf8')).toContain('each credential is its own tenant');
  });

  it('--authorization with --basic (or SANDBOX_BASIC) is refused: one credential at a time', async () => {
    const run = await runCli(['coverage', '--base-url', url, '--authorization', 'Basic Y2k6Y2k=', '--basic', 'ci:ci']);
    expect(run.code).toBe(1);
    expect(run.stderr.split('\n')[0]).toBe("error: option '--authorization <header>' cannot be used with option '--basic <user:password>'");
  });

  it('an --authorization that is no header value (a line break) is said so, without its value', async () => {
    const run = await runCli(['coverage', '--base-url', url, '--authorization', 'Basic Y2k6Y2k=\nX-Injected: secret-part']);
    expect(run.code).toBe(1);
    expect(linesOf(run)).toEqual([`✗ cannot read the coverage from ${url}: the header given with --authorization is empty or holds a line break`]);
  });

  it('verify --authorization: every documented answer, as that tenant', async () => {
    const run = await runCli(['verify', '--base-url', url, '--authorization', 'Basic Y2k6Y2k=']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\d+ passed, 0 failed, 0 skipped$/m);
  });
});

describe('against a sandbox with --auth off', () => {
  it('coverage without credentials reads the one shared tenant', async () => {
    const url = await serve(['--auth', 'off']);
    expect((await fetch(`${url}${DEACTIVATE_PATH}?customerId=32`, { method: 'POST' })).status).toBe(200);
    const run = await runCli(['coverage', '--base-url', url]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('✓ deactivatePromotionForCustomer 200: received 1 time');
  });
});

describe('coverage against what is not a promotions-sandbox', () => {
  let answer: { status: number; type: string; requestId?: string; body: string } = { status: 404, type: 'text/html', body: '' };
  let server: Server;
  let url = '';
  beforeAll(async () => {
    server = createServer((_request, response) =>
      response.writeHead(answer.status, { 'content-type': answer.type, ...(answer.requestId ? { 'x-cap-requestid': answer.requestId } : {}) }).end(answer.body),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it.each([
    ['a 404 page', { status: 404, type: 'text/html', body: '<h1>Not Found</h1>' }, 'answered HTTP 404 (status 404 is not declared)'],
    ['an HTML page', { status: 200, type: 'text/html', body: '<html>Welcome</html>' }, 'answered HTTP 200 (header x-cap-requestid is missing; content-type is text/html, not application/json)'],
    ['JSON of another shape', { status: 200, type: 'application/json', body: '{"covered":3}' }, "answered HTTP 200 (header x-cap-requestid is missing; body must have required property 'data')"],
    [
      'an envelope of another shape, with the request id header',
      { status: 200, type: 'application/json', requestId: 'r-1', body: '{"data":{"covered":"all","total":20,"answers":[]},"errors":[]}' },
      'answered HTTP 200 (body/data/covered must be integer)',
    ],
    ['a 401 not in the envelope', { status: 401, type: 'text/plain', body: 'Unauthorized' }, 'answered HTTP 401 (header x-cap-requestid is missing; content-type is text/plain, not application/json)'],
  ])('%s: says so, exit 1', async (_what, given, reason) => {
    answer = given;
    const run = await runCli(['coverage', '--base-url', url, '--basic', 'client:pw']);
    expect(run.code).toBe(1);
    expect(linesOf(run)).toEqual([`✗ ${url} is not a promotions-sandbox: GET /__sandbox/coverage ${reason}`]);
  });

  it('nothing listening: the network reason, as before', async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    const run = await runCli(['coverage', '--base-url', down]);
    expect(run.code).toBe(1);
    expect(linesOf(run)).toEqual([`✗ cannot read the coverage from ${down}: ECONNREFUSED`]);
  });
});
