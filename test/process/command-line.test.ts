import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type AnySetting, flagOf, SETTING_NAMES, SETTINGS } from '../../src/settings/settings.js';
import { DOCS_BASIC, DEACTIVATE_PATH } from '../helpers/sandbox.js';
import { listeningUrl, runCli, startCli } from '../helpers/cli-process.js';
import { freePort } from '../helpers/redis.js';

const LOCAL = { HOST: '127.0.0.1', PORT: '0' };
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs node with `args`; resolves to its exit code. */
function runNode(args: string[], env: NodeJS.ProcessEnv): Promise<number | null> {
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH, ...env }, stdio: 'ignore' });
  return new Promise((resolve) => child.once('exit', resolve));
}

describe('promotions-sandbox on the command line', () => {
  it('--help lists every setting with its environment variable, and the SANDBOX_ names that override conventional ones', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    // commander wraps lines: the words are compared with the line breaks and indents folded.
    const help = stdout.replace(/\s+/g, ' ');
    for (const name of SETTING_NAMES) {
      const { argument, env, overridingEnv } = SETTINGS[name] as AnySetting;
      expect(help).toContain(`${flagOf(name)} ${argument}`);
      expect(help).toMatch(new RegExp(`env: ${env}\\)`));
      if (overridingEnv) expect(help).toContain(`${overridingEnv} `);
    }
    expect(help).toContain('SANDBOX_HOST wins over HOST, and SANDBOX_PORT over PORT, when both are set.');
  });

  it.each([
    ['a port that is not a number', ['--port', 'abc'], {}, /--port.*'abc'.*must be a TCP port/],
    ['a port from the environment out of range', [], { PORT: '70000' }, /--port.*'70000'.*from env 'PORT'.*must be a TCP port/],
    ['an unknown log level', ['--log-level', 'loud'], {}, /--log-level.*'loud'.*Allowed choices are fatal, error/],
    ['a bad boolean in the environment', [], { SANDBOX_VALIDATE_RESPONSES: 'perhaps' }, /must be true or false/],
    ['a journal total of none, from the environment', [], { SANDBOX_JOURNAL_TOTAL: '0' }, /--journal-total.*'0'.*from env 'SANDBOX_JOURNAL_TOTAL'.*must be a count, an integer from 1/],
    ['an unknown flag', ['--prot', '1'], {}, /unknown option '--prot'/],
    ['a contract that does not exist', ['--contract', 'nope.yaml'], {}, /^promotions-sandbox: cannot start: nope\.yaml: 1 problem\(s\): ENOENT/],
  ])('refuses to start with %s, in one clear line', async (_name, args, env, message) => {
    const { code, stderr } = await runCli(args, { ...LOCAL, ...env });
    expect(code).not.toBe(0);
    expect(stderr.split('\n')[0]).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  // Word for word: scripts and the README quote these lines, whatever builds the options.
  it.each([
    [['--port', 'abc'], {}, "error: option '--port <port>' argument 'abc' is invalid. must be a TCP port, an integer from 0 to 65535."],
    [[], { SANDBOX_PORT: 'x' }, "error: option '--port <port>' value 'x' from env 'SANDBOX_PORT' is invalid. must be a TCP port, an integer from 0 to 65535."],
    [['--rate-limit', '0'], {}, "error: option '--rate-limit <n>' argument '0' is invalid. must be a request count, an integer from 1 to 10000000."],
    [['--watch', 'perhaps'], {}, "error: option '--watch [bool]' argument 'perhaps' is invalid. must be true or false."],
    [['--unknown-promotions', 'maybe'], {}, "error: option '--unknown-promotions <mode>' argument 'maybe' is invalid. Allowed choices are active, not-found."],
    [['--admin-token', 'short'], {}, "error: option '--admin-token <token>' (or SANDBOX_ADMIN_TOKEN) value a string of 5 characters is invalid. must be at least 32 characters, not one character repeated (it guards every tenant; for instance: openssl rand -hex 16)."],
    // Any 16 characters made a token once; 32 of one character still guard nothing.
    [['--admin-token', 'a'.repeat(16)], {}, "error: option '--admin-token <token>' (or SANDBOX_ADMIN_TOKEN) value a string of 16 characters is invalid. must be at least 32 characters, not one character repeated (it guards every tenant; for instance: openssl rand -hex 16)."],
    [[], { SANDBOX_ADMIN_TOKEN: 'a'.repeat(32) }, "error: option '--admin-token <token>' (or SANDBOX_ADMIN_TOKEN) value a string of 32 characters is invalid. must be at least 32 characters, not one character repeated (it guards every tenant; for instance: openssl rand -hex 16)."],
    [['--auth', 'accounts'], {}, 'error: --auth accounts needs --accounts <file> (SANDBOX_ACCOUNTS)'],
    [['--accounts', 'accounts.yaml'], {}, 'error: --accounts is only read with --auth accounts'],
    // An empty host would listen on every address, saying neither so nor where.
    [['--host', ''], {}, "error: option '--host <address>' argument '' is invalid. must be an address, not empty."],
    [[], { SANDBOX_HOST: '' }, "error: option '--host <address>' value '' from env 'SANDBOX_HOST' is invalid. must be an address, not empty."],
    // ioredis takes anything else for a socket path or a host name and fails late and obscurely.
    [['--redis', 'http://127.0.0.1:6397'], {}, `error: option '--redis <url>' (or SANDBOX_REDIS_URL) value 'http://127.0.0.1:6397/' is invalid. ${SETTINGS.redis.kind.rule}.`],
    [[], { SANDBOX_REDIS_URL: 'notaurl' }, `error: option '--redis <url>' (or SANDBOX_REDIS_URL) value text that is not a URL is invalid. ${SETTINGS.redis.kind.rule}.`],
  ])('refuses %j %j with its one line, word for word', async (args, env, line) => {
    const { code, stderr } = await runCli(args, { ...LOCAL, ...env });
    expect(code).not.toBe(0);
    expect(stderr.split('\n')[0]).toBe(line);
  });

  it('a word where a command goes is an unknown command, with the commands listed; a subcommand still counts its arguments', async () => {
    const bogus = await runCli(['bogus-command'], LOCAL);
    expect([bogus.code, bogus.stdout]).toEqual([1, '']);
    expect(bogus.stderr.split('\n')[0]).toBe("error: unknown command 'bogus-command'; the commands: validate, verify, coverage (none starts the sandbox)");
    // After the server's flags too, and before it listens: nothing started.
    const late = await runCli(['--port', '0', 'verfy'], LOCAL);
    expect([late.code, late.stderr.split('\n')[0]]).toEqual([1, "error: unknown command 'verfy'; the commands: validate, verify, coverage (none starts the sandbox)"]);
    expect(late.stdout).toBe('');
    const extra = await runCli(['verify', 'extra', '--base-url', 'http://127.0.0.1:1'], LOCAL);
    expect([extra.code, extra.stderr.split('\n')[0]]).toEqual([1, "error: too many arguments for 'verify'. Expected 0 arguments but got 1."]);
  });

  it('--version prints the version of package.json, and nothing else', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const { code, stdout, stderr } = await runCli([flag]);
      expect([code, stdout, stderr]).toEqual([0, `${version}\n`, '']);
    }
  });

  it('--redis at something that is not Redis says so: an HTTP server, and a server that never answers', async () => {
    const listening = async (server: Server | ReturnType<typeof createServer>): Promise<number> => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return (server.address() as AddressInfo).port;
    };
    const http = createServer((_request, response) => response.end('hello'));
    const silent = createTcpServer(() => undefined);
    try {
      const httpPort = await listening(http);
      const answered = await runCli(['--redis', `redis://:hunter2@127.0.0.1:${httpPort}`], LOCAL);
      expect(answered.code).not.toBe(0);
      expect(answered.stderr.trim()).toBe(
        `promotions-sandbox: cannot start: redis://127.0.0.1:${httpPort} is not a Redis server: what answers there speaks another protocol (it began with "H", as an HTTP server does); check the host and port of the Redis URL`,
      );
      const silentPort = await listening(silent);
      const started = performance.now();
      const unanswered = await runCli(['--redis', `redis://127.0.0.1:${silentPort}`], LOCAL);
      expect(unanswered.code).not.toBe(0);
      expect(unanswered.stderr.trim()).toBe(`promotions-sandbox: cannot start: cannot reach Redis at redis://127.0.0.1:${silentPort} (no answer within 3 seconds; is it a Redis server?)`);
      expect(performance.now() - started).toBeLessThan(9_000);
      expect(answered.stderr + unanswered.stderr).not.toContain('hunter2');
    } finally {
      http.close();
      silent.close();
    }
  }, 20_000);

  it('Redis unreachable at start: the password of the URL\'s query (which ioredis reads) is not printed either', async () => {
    const port = await freePort();
    const { code, stderr } = await runCli(['--redis', `redis://127.0.0.1:${port}/6?password=s3cret&db=6`], LOCAL);
    expect(code).not.toBe(0);
    expect(stderr.trim()).toMatch(new RegExp(`^promotions-sandbox: cannot start: cannot reach Redis at redis://127\\.0\\.0\\.1:${port}/6\\?password=\\[redacted\\]&db=\\[redacted\\] \\(.*ECONNREFUSED`));
    expect(stderr).not.toContain('s3cret');
  });

  it('takes an operator token of 32 characters such as `openssl rand -hex 16` makes, and the operator calls answer to it', async () => {
    const token = randomBytes(16).toString('hex');
    const sandbox = startCli(['--admin-token', token], LOCAL);
    try {
      const url = await listeningUrl(sandbox.output);
      expect((await fetch(`${url}/__sandbox/tenants`, { headers: { 'x-sandbox-operator-token': token } })).status).toBe(200);
      expect((await fetch(`${url}/__sandbox/tenants`, { headers: { 'x-sandbox-operator-token': `${token.slice(0, -1)}x` } })).status).toBe(401);
    } finally {
      sandbox.child.kill('SIGTERM');
      await sandbox.finished;
    }
  });

  it('a refused Redis URL, cluster seed list or admin token is not printed as given: commander would repeat the text, password and all', async () => {
    const refused = await Promise.all([
      runCli(['--redis-cluster', 'redis://:hunter2@127.0.0.1:7001/0'], LOCAL),
      runCli([], { ...LOCAL, SANDBOX_REDIS_CLUSTER: 'redis://:hunter2@127.0.0.1:7001/0' }),
      runCli(['--redis', 'http://:hunter2@127.0.0.1:6379'], LOCAL),
      runCli(['--admin-token', 'hunter2'], LOCAL),
      runCli(['--redis-cluster', 'redis://:hunter2%zz@127.0.0.1:7001'], LOCAL),
    ]);
    for (const { code, stderr } of refused) {
      expect(code).toBe(1);
      expect(stderr).toMatch(/^error: option '--(redis-cluster <seeds>|redis <url>|admin-token <token>)' \(or SANDBOX_[A-Z_]+\) value .* is invalid\. must be /);
      expect(stderr).not.toContain('hunter2');
      expect(stderr).not.toMatch(/\n\s+at /);
    }
    expect(refused[0]?.stderr).toContain("value 'redis://127.0.0.1:7001/0' is invalid");
    expect(refused[3]?.stderr).toContain('value a string of 7 characters is invalid');
  });

  it('SANDBOX_PORT wins over PORT', async () => {
    const { code, stderr } = await runCli([], { HOST: '127.0.0.1', PORT: '0', SANDBOX_PORT: 'x' });
    expect(code).not.toBe(0);
    expect(stderr).toContain("'x'");
  });

  it('serves, logs one JSON line per request at debug without credentials, and exits 0 on SIGTERM', async () => {
    const sandbox = startCli(['--log-level', 'debug'], LOCAL);
    const url = await listeningUrl(sandbox.output);
    const response = await fetch(`${url}${DEACTIVATE_PATH}?customerId=566881933&earnId=null`, {
      method: 'POST',
      headers: { authorization: DOCS_BASIC, cookie: 'session=secret-cookie', 'x-cap-api-oauth-token': 'secret-token' },
    });
    expect(await response.json()).toEqual({ data: true, errors: [] });
    sandbox.child.kill('SIGTERM');
    const { code, stdout } = await sandbox.finished;
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.filter((line) => line.msg === 'request')).toEqual([
      expect.objectContaining({ method: 'POST', statusCode: 200, operationId: 'deactivatePromotionForCustomer', reqId: response.headers.get('x-cap-requestid') }),
    ]);
    expect(stdout).not.toContain(DOCS_BASIC.slice(6));
    expect(stdout).not.toContain('secret-cookie');
    expect(stdout).not.toContain('secret-token');
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('%s lets an answer in flight finish, then exits 0', async (signal) => {
    const sandbox = startCli([], LOCAL);
    const url = await listeningUrl(sandbox.output);
    const { port } = new URL(url);
    // A request whose body is still arriving when the signal comes.
    const answer = new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
      const call = request(
        // Kept alive: the sandbox closing tells the client to let go (Connection: close).
        { host: '127.0.0.1', port, method: 'PUT', path: DEACTIVATE_PATH, headers: { authorization: DOCS_BASIC, 'content-type': 'application/json', 'content-length': 2, connection: 'keep-alive' } },
        (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, connection: response.headers.connection, body }));
        },
      );
      call.on('error', reject);
      call.write('{');
      setTimeout(() => {
        sandbox.child.kill(signal);
        setTimeout(() => call.end('}'), 300);
      }, 200);
    });
    expect(await answer).toEqual({ status: 200, connection: 'close', body: '{"data":true,"errors":[]}' });
    expect((await sandbox.finished).code).toBe(0);
  });

  it('--address-file: the URL it listens on, written once listening, read by the health check, removed on SIGTERM', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'address-')), 'sandbox.address');
    const sandbox = startCli(['--address-file', file], LOCAL);
    const url = await listeningUrl(sandbox.output);
    await expect.poll(() => (existsSync(file) ? readFileSync(file, 'utf8') : '')).toBe(`${url}\n`);
    // The image's HEALTHCHECK, on a port that is not the environment's.
    const healthcheck = (env: NodeJS.ProcessEnv) => runNode([join(ROOT, 'dist', 'healthcheck.js')], env);
    expect(await healthcheck({ SANDBOX_ADDRESS_FILE: file, PORT: '1' })).toBe(0);
    sandbox.child.kill('SIGTERM');
    expect((await sandbox.finished).code).toBe(0);
    expect(existsSync(file)).toBe(false);
    expect(await healthcheck({ SANDBOX_ADDRESS_FILE: file, PORT: new URL(url).port })).toBe(1);
  });

  it('SIGTERM to the `npm start` process stops the sandbox and frees its port', async () => {
    // --ignore-scripts: the start script without its prestart build (dist/ is built for all tests).
    const npm = spawn('npm', ['start', '--silent', '--ignore-scripts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...LOCAL },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    npm.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => npm.once('exit', resolve));
    const url = await listeningUrl(() => output);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    npm.kill('SIGTERM');
    await exited;
    // The sandbox itself stopped (a shell between npm and node used to keep it running).
    await expect.poll(() => fetch(`${url}/healthz`).then(() => 'answering', () => 'stopped'), { timeout: 5_000 }).toBe('stopped');
    expect(output).toContain('stopping: finishing in-flight answers');
  });

  it('SIGTERM while slow answers are in flight: they finish, then exit 0', async () => {
    const sandbox = startCli([], LOCAL);
    const url = await listeningUrl(sandbox.output);
    const slow = Array.from({ length: 3 }, (_, index) =>
      fetch(`${url}/api_gateway/v1/promotions/0000000000000000000000${index}a/deactivate`, {
        method: 'PUT',
        headers: { authorization: DOCS_BASIC, 'x-sandbox-scenario': 'slow-success' },
      }).then(async (response) => ({ status: response.status, body: await response.text() })),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    sandbox.child.kill('SIGTERM');
    for (const answer of await Promise.all(slow)) expect(answer).toEqual({ status: 200, body: '{"data":true,"errors":[]}' });
    expect((await sandbox.finished).code).toBe(0);
  });
});
