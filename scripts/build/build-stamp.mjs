// @ts-check
// The build's stamp: what went into the last successful `npm run build`, so that `npm start`
// builds only when something did change (docs/performance.md, "npm start and the build").
// Plain JavaScript run by node, not tsx: the check runs before every start, and tsx alone
// would cost half a second of it. build.mjs uses its steps; as a command:
//
//   node scripts/build/build-stamp.mjs fresh   exit 0 if the stamp matches the inputs now, else
//                                              exit 1 and say on stderr what changed
//
// An input is known by the sha256 of its content, not its time: a `git checkout` of an older
// file changes the content the stamp holds, whatever its mtime; a build that fails never reaches
// `endBuild`, and leaves no stamp. The inputs are noted at `beginBuild`, so a file saved during a
// build makes the next start build again.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STAMP = join(ROOT, 'dist', '.build-inputs.json');
const PENDING = join(ROOT, 'dist', '.build-inputs.pending.json');

/**
 * What the build reads: the sources (tsc, the bundle), the contract and the scenarios folder
 * (write-start-caches.ts stores the parsed contract, the checked scenarios, the validators and
 * the successes made from them), the compiler's settings, the build's own scripts, and the
 * dependencies as installed. The scenarios are read again at every start too, but a start whose
 * files differ from the stored ones checks them all again: a fast start needs a fresh cache.
 */
const INPUTS = ['src', 'openapi/promotions.yaml', 'scenarios', 'tsconfig.json', 'tsconfig.build.json', 'scripts/build', 'package.json', 'package-lock.json'];
/** What a build leaves, all of which a start needs. */
const OUTPUTS = ['dist/cli.js', 'dist/bundle/cli.js', 'dist/index.js'];

/** Every file of `input` (a file or a folder, recursively), relative to the root, in a stable order. */
function filesOf(input) {
  const absolute = join(ROOT, input);
  if (!existsSync(absolute)) return [];
  if (!statSync(absolute).isDirectory()) return [input];
  return readdirSync(absolute, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)))
    .sort();
}

/** The inputs now: each file's hash, and Node's version (the build's output is made by it and for it). */
function inputsNow() {
  /** @type {Record<string, string>} */
  const files = {};
  for (const input of INPUTS) {
    for (const path of filesOf(input)) files[path] = createHash('sha256').update(readFileSync(join(ROOT, path))).digest('hex');
  }
  return { node: process.version, files };
}

/** Why the stamp does not match the inputs now, or undefined when it does. */
export function staleness() {
  const missing = OUTPUTS.find((output) => !existsSync(join(ROOT, output)));
  if (missing) return `${missing} is missing`;
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(STAMP, 'utf8'));
  } catch {
    return 'no build has finished here yet';
  }
  const now = inputsNow();
  if (stamp.node !== now.node) return `Node changed (${String(stamp.node)} to ${now.node})`;
  const before = stamp.files ?? {};
  const changed = Object.keys(now.files).find((path) => before[path] !== now.files[path]);
  if (changed) return `${changed} ${before[changed] === undefined ? 'is new' : 'changed'} since the last build`;
  const removed = Object.keys(before).find((path) => now.files[path] === undefined);
  if (removed) return `${removed} was removed since the last build`;
  return undefined;
}

/** The build's first step: drops the stamp, notes the inputs as they are now. */
export function beginBuild() {
  rmSync(STAMP, { force: true });
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  writeFileSync(PENDING, JSON.stringify(inputsNow()));
}

/** The build's last step: what `beginBuild` noted becomes the stamp. */
export function endBuild() {
  renameSync(PENDING, STAMP);
}

// Run as a command (also through a symlinked path), not imported by build.mjs.
if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === 'fresh') {
    const why = staleness();
    if (why !== undefined) {
      process.stderr.write(`promotions-sandbox: building first: ${why}\n`);
      process.exitCode = 1;
    }
  } else {
    process.stderr.write('usage: node scripts/build/build-stamp.mjs fresh\n');
    process.exitCode = 2;
  }
}
