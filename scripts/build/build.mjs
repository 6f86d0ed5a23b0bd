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
// checks the stamp again: usually the other's build is now its own. A signal to the build, or to
// the npm that ran it, stops the step running and gives the lock back.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import process from 'node:process';
import { setInterval } from 'node:timers';
import { fileURLToPath, URL } from 'node:url';
import lockfile from 'proper-lockfile';
import { beginBuild, endBuild, staleness } from './build-stamp.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LOCK = join(ROOT, 'dist', '.build.lock');
const require = createRequire(import.meta.url);
/** tsx as a loader of this Node process (its command would start a second one), found from the project's folder. */
const TSX = ['--import', 'tsx'];
/** Each step one Node process, started without a shell (the same on every platform, and stopped whole). */
const STEPS = [
  { name: 'tsc', args: [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'] },
  { name: 'write-start-caches.ts', args: [...TSX, 'scripts/build/write-start-caches.ts'] },
  { name: 'bundle-cli.ts', args: [...TSX, 'scripts/build/bundle-cli.ts'] },
];
/** A lock not refreshed for this long is a dead build's. */
const STALE_MS = 10_000;
/** How often a build refreshes its lock, and so finds out soon, while a step still runs, that it was taken. */
const UPDATE_MS = 1_000;
/** How long a build waits for another before it gives up: a build here takes seconds to a minute or two. */
const WAIT_MS = 10 * 60_000;
/** How many times a build whose lock was taken from it waits for the lock again. */
const ATTEMPTS = 3;
const SIGNAL_NUMBERS = /** @type {const} */ ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 });

const say = (/** @type {string} */ line) => process.stderr.write(`promotions-sandbox: ${line}\n`);

/** @type {import('node:child_process').ChildProcess | undefined} */
let running;
/** @type {keyof typeof SIGNAL_NUMBERS | undefined} */
let stoppedBy;
let holding = false;
let lost = false;

/** Stops the build: at once while it holds nothing, else after its step, giving the lock back. */
function stop(/** @type {keyof typeof SIGNAL_NUMBERS} */ signal) {
  stoppedBy = signal;
  if (!holding) process.exit(128 + SIGNAL_NUMBERS[signal]);
  if (running && running.exitCode === null && running.signalCode === null) running.kill(signal);
}
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) process.on(signal, () => stop(signal));
// npm runs a script through `sh -c`, which does not pass on a SIGTERM sent to npm alone: the
// build, given to another parent, sees that as being stopped.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent && !stoppedBy) stop('SIGTERM');
}, 1000).unref();

/** Runs one step; rejects when it fails or was stopped. */
function run(/** @type {(typeof STEPS)[number]} */ { name, args }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
    running = child;
    child.once('error', reject);
    child.once('exit', (code, signal) => (code === 0 ? resolve(undefined) : reject(new Error(`${name} ${signal ? `stopped by ${signal}` : `exited with ${code}`}`))));
  });
}

/** Holds the lock, waiting for a build another process holds; the function that gives it back. */
async function lock() {
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const options = {
    lockfilePath: LOCK,
    stale: STALE_MS,
    update: UPDATE_MS,
    // Taken from this build (see docs): its step stops, and the build waits for the lock again.
    onCompromised: (/** @type {Error} */ error) => {
      say(`the build's lock was taken (${error.message}); stopping this build's step to wait for the lock again`);
      lost = true;
      running?.kill('SIGTERM');
    },
  };
  try {
    return await lockfile.lock(ROOT, options);
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'ELOCKED') throw error;
  }
  say(`another build is running here (${LOCK}); waiting for it`);
  // At random moments, so that waiters seldom find a dead build's lock at the same instant.
  const retries = { retries: Math.ceil(WAIT_MS / 1000), factor: 1, minTimeout: 500, maxTimeout: 1500, randomize: true };
  return lockfile.lock(ROOT, { ...options, retries });
}

/** Builds under the lock; with `whenStale`, only if the stamp is stale once the lock is held. Whether it built. */
async function buildOnce(/** @type {boolean} */ whenStale) {
  lost = false;
  const release = await lock();
  holding = true;
  try {
    // Checked again once the lock is held: a build that just finished may have made this one needless.
    const why = whenStale ? staleness() : 'asked for';
    if (why === undefined) return true;
    if (whenStale) say(`building first: ${why}`);
    beginBuild();
    for (const step of STEPS) {
      if (stoppedBy) return true;
      if (lost) return false;
      await run(step);
    }
    // A build whose lock was taken while its last step ran leaves no stamp: it builds again.
    if (lost) return false;
    if (!stoppedBy) endBuild();
    return true;
  } catch (error) {
    if (lost && !stoppedBy) return false;
    throw error;
  } finally {
    await release().catch(() => undefined);
    holding = false;
  }
}

const whenStale = process.argv.includes('--when-stale');
try {
  // Fresh: nothing to wait for, no lock (a start's usual case, in a few tens of milliseconds).
  if (!whenStale || staleness() !== undefined) {
    let built = false;
    for (let attempt = 1; !built && !stoppedBy; attempt += 1) {
      built = await buildOnce(whenStale);
      if (!built && attempt === ATTEMPTS) throw new Error(`its lock was taken from it ${ATTEMPTS} times`);
    }
  }
} catch (error) {
  if (!stoppedBy) {
    const reason = /** @type {NodeJS.ErrnoException} */ (error).code === 'ELOCKED' ? `another build still holds ${LOCK} after ${WAIT_MS / 60_000} minutes` : error instanceof Error ? error.message : String(error);
    say(`the build failed: ${reason}`);
    process.exitCode = 1;
  }
}
if (stoppedBy) process.exitCode = 128 + SIGNAL_NUMBERS[stoppedBy];
