// @ts-check
// `npm start`'s first step (package.json's prestart): builds when the last build is stale
// (build-stamp.mjs), one start at a time. Two starts at once (two terminals, a script starting
// replicas after a pull) each built, writing dist/ under the other's feet; now the second waits
// for the first's build and finds it fresh. Plain JavaScript run by node, as build-stamp.mjs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import { buildingFirst, staleness } from './build-inputs.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Held while a start builds: a folder, since making one is atomic; the builder's pid inside. */
const LOCK = join(ROOT, 'dist', '.build.lock');
const HOLDER = join(LOCK, 'pid');
/** A build takes seconds to a minute or two on a busy machine; past this, waiting has failed. */
const LONGEST_WAIT_MS = 10 * 60_000;
/** A lock without its pid this long after it was made: its maker died in between. */
const PID_WRITTEN_WITHIN_MS = 10_000;

/** Whether the lock's builder is still running; a lock whose builder died is stale. */
function holderRuns() {
  let pid;
  try {
    pid = Number(readFileSync(HOLDER, 'utf8'));
  } catch {
    // Made, its pid not written yet; or left by a start that died right after making it.
    try {
      return Date.now() - statSync(LOCK).mtimeMs < PID_WRITTEN_WITHIN_MS;
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === 'EPERM';
  }
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Takes the lock, waiting while another start builds. */
function lock() {
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const deadline = Date.now() + LONGEST_WAIT_MS;
  let said = false;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(HOLDER, String(process.pid));
      return;
    } catch (error) {
      if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EEXIST') throw error;
    }
    if (!holderRuns()) {
      rmSync(LOCK, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`another start has held ${LOCK} for ${LONGEST_WAIT_MS / 60_000} minutes; if none is building, remove it`);
    if (!said) process.stderr.write('promotions-sandbox: waiting for the build another start is making\n');
    said = true;
    sleep(200);
  }
}

if (staleness() !== undefined) {
  lock();
  try {
    // Asked again once the lock is ours: a start that held it may have just built.
    const why = staleness();
    if (why !== undefined) {
      process.stderr.write(buildingFirst(why));
      const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
      process.exitCode = build.status ?? 1;
    }
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
