// @ts-check
// The build's stamp: what went into the last successful `npm run build`, so that `npm start`
// builds only when something did change (docs/performance.md, "npm start and the build").
// Plain JavaScript run by node, not tsx: the check runs before every start, and tsx alone
// would cost half a second of it.
//
//   node scripts/build/build-stamp.mjs begin   first step of the build: drops the stamp, notes the inputs
//   node scripts/build/build-stamp.mjs end     last step: what begin noted becomes the stamp
//   node scripts/build/build-stamp.mjs fresh   exit 0 if the stamp matches the inputs now, else
//                                              exit 1 and say on stderr what changed
//
// An input is known by the sha256 of its content, not its time: a `git checkout` of an older
// file changes the content the stamp holds, whatever its mtime; a build that fails never reaches
// `end`, and leaves no stamp. The inputs are noted at `begin`, so a file saved during a build
// makes the next start build again.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import { PENDING, STAMP, buildingFirst, inputsNow, staleness } from './build-inputs.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const step = process.argv[2];
if (step === 'begin') {
  rmSync(STAMP, { force: true });
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  writeFileSync(PENDING, JSON.stringify(inputsNow()));
} else if (step === 'end') {
  renameSync(PENDING, STAMP);
} else if (step === 'fresh') {
  const why = staleness();
  if (why !== undefined) {
    process.stderr.write(buildingFirst(why));
    process.exitCode = 1;
  }
} else {
  process.stderr.write('usage: node scripts/build/build-stamp.mjs begin|end|fresh\n');
  process.exitCode = 2;
}
