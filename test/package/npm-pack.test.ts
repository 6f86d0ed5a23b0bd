import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('the npm package', () => {
  it('packs into a tarball that installs in an empty folder, runs `npx promotions-sandbox --help`, and imports', async () => {
    const packed = mkdtempSync(join(tmpdir(), 'pack-'));
    await run('npm', ['pack', '--silent', '--pack-destination', packed], { cwd: ROOT });
    const tarball = readdirSync(packed).find((name) => name.endsWith('.tgz'));
    expect(tarball).toBeDefined();
    const { stdout: listing } = await run('tar', ['-tzf', join(packed, tarball ?? '')]);
    expect(listing).toContain('package/dist/cli.js');
    expect(listing).toContain('package/dist/index.d.ts');
    expect(listing).toContain('package/openapi/promotions.yaml');
    expect(listing).toContain('package/scenarios/open-cart.yaml');
    expect(listing).not.toMatch(/package\/(src|test)\//);

    const consumer = mkdtempSync(join(tmpdir(), 'consumer-'));
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    await run('npm', ['install', '--silent', '--no-audit', '--no-fund', join(packed, tarball ?? '')], { cwd: consumer });
    const { stdout: help } = await run('npx', ['--no-install', 'promotions-sandbox', '--help'], { cwd: consumer });
    expect(help).toContain('Usage: promotions-sandbox');
    expect(help).toContain('--scenarios');
    const script = "import { startSandbox } from 'promotions-sandbox'; const s = await startSandbox(); const r = await fetch(s.url + '/healthz'); console.log(r.status); await s.close();";
    const { stdout: started } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: consumer });
    expect(started.trim()).toBe('200');
  }, 240_000);
});
