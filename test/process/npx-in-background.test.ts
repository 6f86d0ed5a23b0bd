import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitForHealthz } from '../helpers/docker.js';
import { emptyProject } from '../helpers/installed-package.js';
import { freePort } from '../helpers/redis.js';

// `npx promotions-sandbox &` then `kill $!` signals npm alone: npm forwards SIGTERM to the
// `sh -c` it runs the command in, and dash (Debian's /bin/sh) dies of it without passing it on,
// so the sandbox, orphaned, keeps listening. That is npm's way, not the sandbox's: docs/hosting.md
// ("In the background") gives the ways that stop it, and these tests run them as printed.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DASH = realpathSync('/bin/sh').endsWith('dash');

let project = '';
beforeAll(() => {
  project = emptyProject();
  mkdirSync(join(project, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(ROOT, join(project, 'node_modules', 'promotions-sandbox'));
  symlinkSync('../promotions-sandbox/dist/cli.js', join(project, 'node_modules', '.bin', 'promotions-sandbox'));
});
afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

const started: ChildProcess[] = [];
afterEach(() => {
  // npm leads a process group of its own (detached): whatever is left of it goes, also on failure.
  for (const child of started.splice(0)) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
});

/** `npx <npxFlags> promotions-sandbox` in the project, as `&` in a script starts it; resolves once it answers. */
async function npxInBackground(npxFlags: string[]): Promise<{ npx: ChildProcess; url: string; npxExited: Promise<unknown> }> {
  const port = await freePort();
  const npx = spawn('npx', ['--no-install', ...npxFlags, 'promotions-sandbox', '--host', '127.0.0.1', '--port', String(port), '--log-level', 'silent'], {
    cwd: project,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: 'ignore',
    detached: true,
  });
  started.push(npx);
  const npxExited = new Promise((resolve) => npx.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  await waitForHealthz(url, performance.now(), 30_000);
  return { npx, url, npxExited };
}

/** Whether anything still answers at the URL, polled until `timeoutMs` for it to stop. */
async function stillAnswersAfter(url: string, timeoutMs: number): Promise<boolean> {
  const since = performance.now();
  do {
    try {
      await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(500) });
    } catch {
      return false;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  } while (performance.now() - since < timeoutMs);
  return true;
}

describe('npx promotions-sandbox in the background, stopped with kill', () => {
  it('npx --script-shell=bash: SIGTERM to npx stops the sandbox (bash runs the command in its own place)', async () => {
    const { npx, url, npxExited } = await npxInBackground(['--script-shell=bash']);
    npx.kill('SIGTERM');
    await npxExited;
    expect(await stillAnswersAfter(url, 10_000)).toBe(false);
  }, 60_000);

  it.skipIf(!DASH)('plain npx under dash: SIGTERM to npx leaves the sandbox listening (why the docs say otherwise)', async () => {
    const { npx, url, npxExited } = await npxInBackground([]);
    npx.kill('SIGTERM');
    await npxExited;
    expect(await stillAnswersAfter(url, 2_000)).toBe(true);
  }, 60_000);
});
