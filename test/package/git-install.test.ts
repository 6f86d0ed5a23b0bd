import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { emptyProject, installedHelp, run, serveInstalledCommand } from '../helpers/installed-package.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

// No package of this name is published: users install from a git URL (README, "Getting it").
// npm clones it, installs its dependencies, runs `prepare` (the build) and packs what it made.
describe('the package installed from a git URL', () => {
  it('installs from a local git clone (its committed tree) into an empty folder, builds dist/, answers `npx promotions-sandbox --help` and serves', async () => {
    const clone = join(mkdtempSync(join(tmpdir(), 'git-')), 'promotions-sandbox');
    await run('git', ['clone', '--quiet', '--no-hardlinks', ROOT, clone]);
    const project = emptyProject();
    await run('npm', ['install', '--silent', '--no-audit', '--no-fund', `git+file://${clone}`], { cwd: project });
    expect(await installedHelp(project)).toContain('Usage: promotions-sandbox');
    expect(await serveInstalledCommand(project)).toBe(0);
    // npm installs the devDependencies too, to run `prepare`: with testcontainers (issue 17) that is
    // some 120 more packages and two optional addons compiled at install (ssh2's, cpu-features),
    // past 300 s on this 2-core machine under load; the test runs one such install.
  }, 600_000);
});
