import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { freePort } from '../helpers/redis.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('the npm package', () => {
  it('packs into a tarball that installs in an empty folder, runs `npx promotions-sandbox --help`, imports, and its command serves', async () => {
    const packed = mkdtempSync(join(tmpdir(), 'pack-'));
    // dist/ is built once for all tests (test/global-setup.ts): a build here would replace it under
    // the commands other tests run.
    await run('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', packed], { cwd: ROOT });
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

    // The command is a bundle (npm run build): it serves the API, the docs page with its assets
    // (found in node_modules) and the YAML document, and stops cleanly.
    const port = await freePort();
    const bin = join(consumer, 'node_modules', '.bin', 'promotions-sandbox');
    const server = spawn(bin, ['--host', '127.0.0.1', '--port', String(port), '--log-level', 'silent'], { cwd: consumer, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
    const url = `http://127.0.0.1:${port}`;
    try {
      for (let tries = 0; !(await fetch(`${url}/healthz`).then((response) => response.ok, () => false)); tries += 1) {
        expect(tries).toBeLessThan(200);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // Bodies are read to the end: an answer left unread stays in flight, and the server's
      // graceful close would wait for it.
      const docs = await fetch(`${url}/docs/`);
      expect(docs.status).toBe(200);
      expect(docs.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(await docs.text()).toContain('swagger');
      const asset = await fetch(`${url}/docs/static/swagger-ui.css`);
      expect(asset.status).toBe(200);
      expect((await asset.text()).length).toBeGreaterThan(0);
      expect(await (await fetch(`${url}/openapi.yaml`)).text()).toMatch(/^openapi: 3\.1/m);
      const deactivate = await fetch(`${url}/api_gateway/v1/promotions/68fb1e6831d91c625a8d9ef4/deactivate?customerId=1`, { method: 'POST', headers: { authorization: 'Basic c2FuZGJveDpzYW5kYm94' } });
      expect(deactivate.status).toBe(200);
      expect(await deactivate.json()).toEqual({ data: true, errors: [] });
    } finally {
      server.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 240_000);
});
