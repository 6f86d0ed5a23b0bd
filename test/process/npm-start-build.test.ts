import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

// `npm start` builds only when something the build reads changed since the last build that
// finished (scripts/build/build-stamp.mjs). Run in a copy of the project: a build here would
// replace dist/ under the other tests, which run the one test/global-setup.ts made.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUILDING = 'promotions-sandbox: building first:';
/** The budget for a start with an up-to-date build, from `npm start` to listening. */
const UP_TO_DATE_START_MS = 3_000;

const copy = mkdtempSync(join(tmpdir(), 'npm-start-build-'));
for (const path of ['src', 'openapi', 'scenarios', 'scripts/build', 'assets', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']) {
  cpSync(join(ROOT, path), join(copy, path), { recursive: true });
}
symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(copy, 'node_modules'));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

interface Start {
  readonly npm: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}
const started: Start[] = [];
// npm leads a process group of its own (the sandbox in it): the whole group is stopped, also when a test fails.
const stopGroup = (start: Start, signal: NodeJS.Signals) => {
  try {
    process.kill(-(start.npm.pid ?? 0), signal);
  } catch {
    // gone already
  }
};
afterEach(async () => {
  for (const start of started.splice(0)) {
    stopGroup(start, 'SIGKILL');
    await start.exited;
  }
});

function npmStart(): Start {
  const npm = spawn('npm', ['start', '--silent', '--', '--host', '127.0.0.1', '--port', '0'], {
    cwd: copy,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  npm.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  npm.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const start = { npm, output: () => output, exited: new Promise<number | null>((resolve) => npm.once('exit', resolve)) };
  started.push(start);
  return start;
}

/** `npm start` until it listens, then stopped: what it said, and how long it took to listen. */
async function startAndStop(): Promise<{ output: string; readyMs: number }> {
  const since = performance.now();
  const start = npmStart();
  let exitCode: number | null | undefined;
  void start.exited.then((code) => (exitCode = code));
  while (!/Server listening at http:\/\/127\.0\.0\.1:\d+/.test(start.output())) {
    if (exitCode !== undefined) throw new Error(`npm start exited (${exitCode}) before listening:\n${start.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const readyMs = performance.now() - since;
  stopGroup(start, 'SIGTERM');
  await start.exited;
  return { output: start.output(), readyMs };
}

/** The stamp's own verdict, without building: undefined when fresh, else the reason it gives. */
function staleness(): string | undefined {
  const check = spawnSync(process.execPath, ['scripts/build/build-stamp.mjs', 'fresh'], { cwd: copy, encoding: 'utf8' });
  return check.status === 0 ? undefined : check.stderr.trim();
}

describe('npm start and the build', () => {
  it('builds on the first start, not on the next, and again once a source changed', { timeout: 300_000 }, async () => {
    const first = await startAndStop();
    expect(first.output).toContain(`${BUILDING} dist/cli.js is missing`);

    const second = await startAndStop();
    expect(second.output).not.toContain(BUILDING);
    expect(second.readyMs).toBeLessThan(UP_TO_DATE_START_MS);

    // A change the build would compile: the next start builds, and serves what it built.
    const source = join(copy, 'src', 'settings', 'package-version.ts');
    appendFileSync(source, '\n// changed by npm-start-build.test.ts\n');
    const third = await startAndStop();
    expect(third.output).toContain(`${BUILDING} src/settings/package-version.ts changed since the last build`);
    expect(staleness()).toBeUndefined();
  });

  it.each([
    ['the contract', 'openapi/promotions.yaml'],
    ['a scenario', 'scenarios/open-cart.yaml'],
    ['a build script', 'scripts/build/bundle-cli.ts'],
  ])('counts a change of %s, and a return to the content built as none (a git checkout)', (_what, path) => {
    // The first test left a build whose stamp matches the copy.
    expect(existsSync(join(copy, 'dist', '.build-inputs.json'))).toBe(true);
    const file = join(copy, path);
    const built = readFileSync(file);
    appendFileSync(file, '\n# a change\n');
    expect(staleness()).toBe(`${BUILDING} ${path} changed since the last build`);
    writeFileSync(file, built);
    expect(staleness()).toBeUndefined();
  });

  it('leaves no stamp after a build that fails, so the next start builds', { timeout: 60_000 }, () => {
    // Settings that give the compiler nothing to compile: tsc fails at once (TS18002), before any type check.
    const settings = join(copy, 'tsconfig.build.json');
    const built = readFileSync(settings);
    writeFileSync(settings, '{ "files": [] }');
    const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: copy, encoding: 'utf8' });
    expect(build.status).not.toBe(0);
    writeFileSync(settings, built);
    // The inputs are back as they were built, but a build did not finish since: not fresh.
    expect(staleness()).toBe(`${BUILDING} no build has finished here yet`);
  });
});
