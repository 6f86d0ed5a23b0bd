import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyProject } from '../helpers/installed-package.js';

// The README's quick-start test for a CI job, run as printed: copied into a user's project where
// `promotions-sandbox` is the package of this clone (linked, as "Getting it" installs a clone,
// so its `exports` give the built dist/index.js) and run by vitest in a process of its own.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const run = promisify(execFile);

/** The first TypeScript block under the heading, as a user would copy it. */
function snippetUnder(heading: string): string {
  const from = README.indexOf(`\n${heading}\n`);
  expect(from, `README.md has no heading ${heading}`).toBeGreaterThan(-1);
  const block = /```ts\n([\s\S]*?)```/.exec(README.slice(from))?.[1];
  expect(block, `no TypeScript block under ${heading}`).toBeDefined();
  return block ?? '';
}

describe("the README's quick-start test (A CI job)", () => {
  let project = '';
  beforeAll(() => {
    project = emptyProject();
    mkdirSync(join(project, 'node_modules'));
    symlinkSync(ROOT, join(project, 'node_modules', 'promotions-sandbox'));
    symlinkSync(realpathSync(join(ROOT, 'node_modules', 'vitest')), join(project, 'node_modules', 'vitest'));
  });
  afterAll(() => {
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it('passes as printed, with the package as a user installs it', async () => {
    const snippet = snippetUnder('### A CI job: every documented answer, on demand');
    expect(snippet).toContain("from 'promotions-sandbox'");
    writeFileSync(join(project, 'quick-start.test.ts'), snippet);
    // The user's own vitest run: none of this run's variables (its pool, its worker id) leak in.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST') && name !== 'NODE_OPTIONS'));
    const vitest = join(project, 'node_modules', 'vitest', 'vitest.mjs');
    const { stdout } = await run(process.execPath, [vitest, 'run', '--reporter', 'json'], { cwd: project, env, timeout: 60_000 }).catch(
      (error: { stdout?: string; stderr?: string }) => {
        throw new Error(`the README's quick-start test failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
      },
    );
    const report = JSON.parse(stdout) as { numTotalTests: number; numPassedTests: number; testResults: { assertionResults: { title: string; status: string }[] }[] };
    expect(report.testResults.flatMap((file) => file.assertionResults)).toEqual([expect.objectContaining({ title: 'shows the open-cart error', status: 'passed' })]);
    expect(report.numPassedTests).toBe(report.numTotalTests);
  }, 60_000);
});
