// @ts-check
// The build, one at a time in a checkout (docs/performance.md, "npm start and the build").
//
//   node scripts/build/build.mjs               `npm run build`: tsc, the start caches, the bundle
//   node scripts/build/build.mjs --when-stale  before `npm start`: the same, only if the last
//                                              build's stamp no longer matches (build-stamp.mjs)
//
// Two builds at once (two terminals, a script starting replicas after a pull) would write dist/
// under each other, and a start could load a bundle half written. So a build holds
// dist/.build.lock (proper-lockfile: a folder made atomically, its time refreshed while the build
// runs, taken over once it goes stale, when its holder died); a start that finds it waits, then
// checks the stamp again: usually the other's build is now its own. A signal to the build stops
// the step running and gives the lock back.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import lockfile from 'proper-lockfile';
import { beginBuild, endBuild, staleness } from './build-stamp.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LOCK = join(ROOT, 'dist', '.build.lock');
const require = createRequire(import.meta.url);
/** Each step a Node process (no shell: the same on every platform). */
const STEPS = [
  [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
  [require.resolve('tsx/cli'), 'scripts/build/write-start-caches.ts'],
  [require.resolve('tsx/cli'), 'scripts/build/bundle-cli.ts'],
];
/** A lock not refreshed for this long is a dead build's; a live one refreshes it every STALE_MS / 2. */
const STALE_MS = 10_000;
/** How long a build waits for another before it gives up: a build here takes seconds to a minute or two. */
const WAIT_MS = 10 * 60_000;

const say = (/** @type {string} */ line) => process.stderr.write(`promotions-sandbox: ${line}\n`);

/** @type {import('node:child_process').ChildProcess | undefined} */
let running;
/** @type {NodeJS.Signals | undefined} */
let stoppedBy;
const SIGNAL_NUMBERS = /** @type {const} */ ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 });
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
  process.on(signal, () => {
    stoppedBy = signal;
    // The step stops too, and the build after it; the lock is given back as this process exits.
    if (running && running.exitCode === null && running.signalCode === null) running.kill(signal);
    else process.exit(128 + SIGNAL_NUMBERS[signal]);
  });
}

/** Runs one step; rejects when it fails or was stopped. */
function run(/** @type {string[]} */ [script, ...args]) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script ?? '', ...args], { cwd: ROOT, stdio: 'inherit' });
    running = child;
    child.once('error', reject);
    child.once('exit', (code, signal) => (code === 0 ? resolve(undefined) : reject(new Error(`${script} ${signal ? `stopped by ${signal}` : `exited with ${code}`}`))));
  });
}

/** Holds the lock, waiting for a build another process holds; the function that gives it back. */
async function lock() {
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const options = {
    lockfilePath: LOCK,
    stale: STALE_MS,
    onCompromised: (/** @type {Error} */ error) => {
      say(`the build's lock ${LOCK} was lost (${error.message}); stopping this build`);
      running?.kill('SIGTERM');
      process.exit(1);
    },
  };
  try {
    return await lockfile.lock(ROOT, options);
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'ELOCKED') throw error;
  }
  say(`another build is running here (${LOCK}); waiting for it`);
  const retries = Math.ceil(WAIT_MS / 1000);
  return lockfile.lock(ROOT, { ...options, retries: { retries, factor: 1, minTimeout: 1000, maxTimeout: 1000 } });
}

/** Builds under the lock; with `whenStale`, only if the stamp is stale once the lock is held. */
async function build(/** @type {boolean} */ whenStale) {
  const release = await lock();
  try {
    // Checked again once the lock is held: a build that just finished may have made this one needless.
    const why = whenStale ? staleness() : 'asked for';
    if (why === undefined) return;
    if (whenStale) say(`building first: ${why}`);
    beginBuild();
    for (const step of STEPS) {
      if (stoppedBy) return;
      await run(step);
    }
    if (!stoppedBy) endBuild();
  } catch (error) {
    if (!stoppedBy) say(`the build failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  } finally {
    await release();
  }
}

const whenStale = process.argv.includes('--when-stale');
// Fresh: nothing to wait for, no lock (a start's usual case, in a few tens of milliseconds).
if (!whenStale || staleness() !== undefined) await build(whenStale);
if (stoppedBy) process.exitCode = 128 + SIGNAL_NUMBERS[stoppedBy];
