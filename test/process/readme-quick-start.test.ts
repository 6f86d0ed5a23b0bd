import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWith, installed, runs } from '../helpers/components.js';
import { emptyProject } from '../helpers/installed-package.js';

// The README's quick-start test for a CI job, run as printed, where a user runs it: a project of
// theirs that installed the release tarball ("Getting it": `npm pack` in a clone, then
// `npm install --save-dev ./promotions-sandbox-<version>.tgz`) and vitest, and runs vitest there.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const run = promisify(execFile);
// The vitest this repository tests with: installed from npm's cache as any package (no link into
// this clone), so the snippet's `from 'vitest'` and `from 'promotions-sandbox'` resolve in the
// user's project alone, as they would on their machine.
const VITEST = (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'vitest', 'package.json'), 'utf8')) as { version: string }).version;
/** What a cold install may need at most; the npm cache makes it some 10 to 20 s. */
const INSTALL_MS = 90_000;

/** The first TypeScript block under the heading, as a user would copy it. */
function snippetUnder(heading: string): string {
  const from = README.indexOf(`\n${heading}\n`);
  expect(from, `README.md has no heading ${heading}`).toBeGreaterThan(-1);
  const block = /```ts\n([\s\S]*?)```/.exec(README.slice(from))?.[1];
  expect(block, `no TypeScript block under ${heading}`).toBeDefined();
  return block ?? '';
}

describeWith(installed('npm', runs('npm', ['--version']), 'it comes with Node.js (https://nodejs.org)'), "the README's quick-start test (A CI job)", () => {
  let packed = '';
  let project = '';
  beforeAll(async () => {
    // Packed once for this file. dist/ is built once for all tests (test/global-setup.ts), so the
    // pack skips `prepare`: a build here would replace dist/ under the commands other tests run.
    packed = mkdtempSync(join(tmpdir(), 'pack-'));
    await run('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', packed], { cwd: ROOT });
    const tarball = readdirSync(packed).find((name) => name.endsWith('.tgz'));
    if (tarball === undefined) throw new Error(`npm pack left no tarball in ${packed}`);
    project = emptyProject();
    await run('npm', ['install', '--save-dev', '--prefer-offline', '--no-audit', '--no-fund', join(packed, tarball), `vitest@${VITEST}`], {
      cwd: project,
      timeout: INSTALL_MS,
    });
  }, INSTALL_MS + 30_000);
  afterAll(() => {
    for (const folder of [project, packed]) if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('passes as printed, with the package and vitest as a user installs them', async () => {
    const snippet = snippetUnder('### A CI job: every documented answer, on demand');
    expect(snippet).toContain("from 'promotions-sandbox'");
    // The installed package is the tarball's copy, not a link back to this clone.
    const installedManifest = join(project, 'node_modules', 'promotions-sandbox', 'package.json');
    expect(readFileSync(installedManifest, 'utf8')).toContain('"name": "promotions-sandbox"');
    const { devDependencies } = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    expect(devDependencies['promotions-sandbox']).toMatch(/^file:.*\.tgz$/);
    writeFileSync(join(project, 'quick-start.test.ts'), snippet);
    // The user's own vitest run: none of this run's variables (its pool, its worker id) leak in.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST') && name !== 'NODE_OPTIONS'));
    const { stdout } = await run('npx', ['--no-install', 'vitest', 'run', '--reporter', 'json'], { cwd: project, env, timeout: 60_000 }).catch(
      (error: { stdout?: string; stderr?: string }) => {
        throw new Error(`the README's quick-start test failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
      },
    );
    const report = JSON.parse(stdout) as { numTotalTests: number; numPassedTests: number; testResults: { assertionResults: { title: string; status: string }[] }[] };
    expect(report.testResults.flatMap((file) => file.assertionResults)).toEqual([expect.objectContaining({ title: 'shows the open-cart error', status: 'passed' })]);
    expect(report.numPassedTests).toBe(report.numTotalTests);
  }, 60_000);
});
