import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWith, installed, runs } from '../helpers/components.js';
import { listeningUrl, startCli } from '../helpers/cli-process.js';
import { freePort } from '../helpers/redis.js';

// deploy/nginx.conf as the compose stack runs it, on loopback without Docker: its two ports
// moved to free ones and `sandbox` replaced by a built sandbox (`--metrics --admin-token`).
// test/docker/hosted-stack.test.ts runs the same file in the stack itself.

const CONF = new URL('../../deploy/nginx.conf', import.meta.url);
const TOKEN = randomBytes(16).toString('hex');

/** Waits until nginx listens and answers 200 through to the sandbox. */
async function nginxAnswers(url: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await fetch(url).then((answer) => answer.status, () => 0)) === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`nginx did not answer ${url} within ${timeoutMs} ms`);
}

/** The sandbox's answer to a path it does not have (src/http/not-found.ts). */
const unknownPath = (method: string, path: string) => ({
  data: null,
  errors: [{ code: 404, message: `No route matches this path. Got ${method} ${path}; the contract is at /openapi.json.` }],
});

describeWith(installed('nginx', runs('nginx', ['-v']), 'apt-get install nginx-light'), 'deploy/nginx.conf: the operator calls and /metrics only on the internal port', () => {
  let folder = '';
  let sandbox: ReturnType<typeof startCli> | undefined;
  let nginx: ChildProcess | undefined;
  let publicUrl = '';
  let internalUrl = '';

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'nginx-'));
    sandbox = startCli(['--port', '0', '--host', '127.0.0.1', '--metrics', '--admin-token', TOKEN]);
    const upstream = await listeningUrl(sandbox.output);
    const [publicPort, internalPort] = [await freePort(), await freePort()];
    const conf = readFileSync(CONF, 'utf8');
    const moved = conf
      .replace('listen 80;', `listen 127.0.0.1:${publicPort};`)
      .replace('listen 8081;', `listen 127.0.0.1:${internalPort};`)
      .replace('"~^8081 "', `"~^${internalPort} "`)
      .replace('set $sandbox http://sandbox:4010;', `set $sandbox ${upstream};`)
      .replace('/var/log/nginx/access.log', join(folder, 'access.log'));
    // Each replacement must have found its text, or the test would be of another file.
    expect(moved.split('\n').filter((line, index) => line !== conf.split('\n')[index])).toHaveLength(5);
    writeFileSync(join(folder, 'sandbox.conf'), moved);
    writeFileSync(join(folder, 'nginx.conf'), `events {}\npid ${folder}/nginx.pid;\nerror_log ${folder}/error.log;\nhttp { include ${folder}/sandbox.conf; }\n`);
    execFileSync('nginx', ['-t', '-q', '-e', join(folder, 'error.log'), '-c', join(folder, 'nginx.conf')]);
    nginx = spawn('nginx', ['-e', join(folder, 'error.log'), '-c', join(folder, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
    publicUrl = `http://127.0.0.1:${publicPort}`;
    internalUrl = `http://127.0.0.1:${internalPort}`;
    await nginxAnswers(`${publicUrl}/healthz`);
  });

  afterAll(async () => {
    const stopped: Promise<unknown>[] = [];
    if (sandbox) stopped.push(sandbox.finished);
    if (nginx && nginx.exitCode === null) stopped.push(new Promise((resolve) => nginx?.once('exit', resolve)));
    nginx?.kill('SIGTERM');
    sandbox?.child.kill('SIGTERM');
    await Promise.all(stopped);
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  const operator = { 'x-sandbox-operator-token': TOKEN };

  it.each([
    ['GET', '/metrics', '/metrics'],
    ['GET', '/__sandbox/tenants', '/__sandbox/tenants'],
    ['DELETE', '/__sandbox/tenants', '/__sandbox/tenants'],
    ['DELETE', '/__sandbox/tenants/abc', '/__sandbox/tenants/abc'],
    ['GET', '/metrics/?x=1', '/metrics/'],
    ['GET', '/%6detrics', '/%6detrics'],
    ['GET', '/__sandbox//tenants', '/__sandbox//tenants'],
    ['GET', '/__sandbox/%74enants', '/__sandbox/%74enants'],
  ])('the public port answers %s %s as an unknown path, in the envelope', async (method, path, named) => {
    const answer = await fetch(`${publicUrl}${path}`, { method, headers: operator });
    expect(answer.status).toBe(404);
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(answer.headers.get('x-cap-requestid')).toMatch(/^[0-9a-f]{32}$/);
    expect(await answer.json()).toEqual(unknownPath(method, named));
  });

  it('the public port words it as the sandbox does, which it still asks for every other path', async () => {
    const sandboxWords = await fetch(`${publicUrl}/__sandbox/tenantz`);
    expect(sandboxWords.status).toBe(404);
    expect(await sandboxWords.json()).toEqual(unknownPath('GET', '/__sandbox/tenantz'));
    expect((await fetch(`${publicUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${publicUrl}/__sandbox/scenarios`)).status).toBe(401);
  });

  it('the internal port serves the operator calls and /metrics', async () => {
    const tenants = await fetch(`${internalUrl}/__sandbox/tenants`, { headers: operator });
    expect(tenants.status).toBe(200);
    expect(await tenants.json()).toEqual({ data: [], errors: [] });
    expect((await fetch(`${internalUrl}/__sandbox/tenants`)).status).toBe(401);
    const metrics = await fetch(`${internalUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^sandbox_store_ready 1$/m);
  });
});
