import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/eventually.js';

// `npm start` builds only when something the build reads changed since the last build that
// finished (scripts/build/build-stamp.mjs). Run in a copy of the project: a build here would
// replace dist/ under the other tests, which run the one test/global-setup.ts made.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUILDING = 'promotions-sandbox: building first:';
const WAITING = 'promotions-sandbox: another build is running here';
const LOCK = join('dist', '.build.lock');
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

/** Waits until the start listens; its URL. */
async function listening(start: Start): Promise<string> {
  let exitCode: number | null | undefined;
  void start.exited.then((code) => (exitCode = code));
  for (;;) {
    const url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(start.output())?.[1];
    if (url) return url;
    if (exitCode !== undefined) throw new Error(`npm start exited (${exitCode}) before listening:\n${start.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** `npm start` until it listens, then stopped: what it said, and how long it took to listen. */
async function startAndStop(): Promise<{ output: string; readyMs: number }> {
  const since = performance.now();
  const start = npmStart();
  await listening(start);
  const readyMs = performance.now() - since;
  stopGroup(start, 'SIGTERM');
  await start.exited;
  return { output: start.output(), readyMs };
}

/** Whether any process of the start's group (npm, the build, its steps, the sandbox) still runs. */
function groupAlive(start: Pick<Start, 'npm'>): boolean {
  try {
    process.kill(-(start.npm.pid ?? 0), 0);
    return true;
  } catch {
    return false;
  }
}

/** A change the build would compile: the next start builds. */
function changeASource(): void {
  appendFileSync(join(copy, 'src', 'settings', 'package-version.ts'), `\n// changed by npm-start-build.test.ts at ${Date.now()}\n`);
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

  it('two starts at once, the build stale: one builds, the other waits for it, both serve', { timeout: 300_000 }, async () => {
    changeASource();
    const starts = [npmStart(), npmStart()];
    const urls = await Promise.all(starts.map((start) => listening(start)));
    for (const url of urls) expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const said = starts.map((start) => start.output());
    expect(said.filter((output) => output.includes(BUILDING))).toHaveLength(1);
    expect(said.filter((output) => output.includes(WAITING))).toHaveLength(1);
    expect(existsSync(join(copy, LOCK))).toBe(false);
    expect(staleness()).toBeUndefined();
  });

  it('a build stopped by a signal stops its step and gives the lock back; the next start builds', { timeout: 300_000 }, async () => {
    changeASource();
    // As a supervisor or a test runner stops the build it started: the build alone gets the signal.
    const build = spawn(process.execPath, ['scripts/build/build.mjs'], { cwd: copy, env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: 'ignore', detached: true });
    const stopped = { npm: build, output: () => '', exited: new Promise<number | null>((resolve) => build.once('exit', resolve)) };
    started.push(stopped);
    await eventually(() => Promise.resolve(existsSync(join(copy, 'dist', '.build-inputs.pending.json')) || undefined), 'the build to begin', 60_000);
    build.kill('SIGTERM');
    expect(await stopped.exited).toBe(128 + 15);
    // Its step (the compiler, seconds long) stopped with it, and the lock is given back.
    await expect.poll(() => groupAlive(stopped), { timeout: 3_000, interval: 50 }).toBe(false);
    expect(existsSync(join(copy, LOCK))).toBe(false);
    expect(staleness()).toMatch(new RegExp(`^${BUILDING} (no build has finished here yet|dist/cli.js is missing)$`));
    expect((await startAndStop()).output).toContain(BUILDING);
  });

  it('a start stopped while it builds (npm alone, as a supervisor stops it) stops its build too', { timeout: 300_000 }, async () => {
    changeASource();
    const start = npmStart();
    await eventually(() => Promise.resolve(start.output().includes(BUILDING) || undefined), 'the start to build', 60_000);
    // npm runs the build through `sh -c`, which passes no SIGTERM on: the build sees its parent go.
    start.npm.kill('SIGTERM');
    await start.exited;
    await expect.poll(() => groupAlive(start), { timeout: 5_000, interval: 50 }).toBe(false);
    expect(existsSync(join(copy, LOCK))).toBe(false);
    expect(staleness()).toMatch(new RegExp(`^${BUILDING} `));
  });

  it('a start whose lock was taken from it stops its step, waits for the lock again and starts', { timeout: 300_000 }, async () => {
    changeASource();
    const start = npmStart();
    await eventually(() => Promise.resolve(existsSync(join(copy, LOCK)) || undefined), 'the build to hold its lock', 60_000);
    // What another build taking over the lock does to it: a time its holder did not set.
    const elsewhen = new Date(Date.now() + 1_000);
    utimesSync(join(copy, LOCK), elsewhen, elsewhen);
    await listening(start);
    expect(start.output()).toContain("promotions-sandbox: the build's lock was taken");
    expect(start.output()).toContain(WAITING);
    stopGroup(start, 'SIGTERM');
    await start.exited;
    expect(existsSync(join(copy, LOCK))).toBe(false);
    expect(staleness()).toBeUndefined();
  });

  it('takes over the lock of a build that died (its time no longer refreshed)', { timeout: 300_000 }, async () => {
    changeASource();
    mkdirSync(join(copy, LOCK));
    const longAgo = new Date(Date.now() - 60_000);
    utimesSync(join(copy, LOCK), longAgo, longAgo);
    const { output } = await startAndStop();
    expect(output).toContain(BUILDING);
    expect(existsSync(join(copy, LOCK))).toBe(false);
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
