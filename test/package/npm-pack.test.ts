import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { emptyProject, installedHelp, run, serveInstalledCommand } from '../helpers/installed-package.js';
import { freePort } from '../helpers/redis.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ACCOUNTS = join(ROOT, 'test', 'fixtures', 'accounts.yaml');

describe('the npm package (a release tarball)', () => {
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

    const consumer = emptyProject();
    await run('npm', ['install', '--silent', '--no-audit', '--no-fund', join(packed, tarball ?? '')], { cwd: consumer });
    const help = await installedHelp(consumer);
    expect(help).toContain('Usage: promotions-sandbox');
    expect(help).toContain('--scenarios');
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const { stdout: installedVersion } = await run('npx', ['--no-install', 'promotions-sandbox', '--version'], { cwd: consumer });
    expect(installedVersion).toBe(`${version}\n`);
    const script = "import { startSandbox } from 'promotions-sandbox'; const s = await startSandbox(); const r = await fetch(s.url + '/healthz'); console.log(r.status); await s.close();";
    const { stdout: started } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: consumer });
    expect(started.trim()).toBe('200');
    // The helpers as a test author uses them, from the installed package: a port of one's own,
    // an accounts file (no credential to set up), coverage, and reset({ requests: true }).
    const port = await freePort();
    const helpers = `import { startSandbox } from 'promotions-sandbox';
      const s = await startSandbox({ port: ${port}, auth: 'accounts', accounts: ${JSON.stringify(ACCOUNTS)} });
      const call = () => fetch(s.url + '/api_gateway/v1/promotions/68fb1e6831d91c625a8d9ef4/deactivate?customerId=737000737', { method: 'POST', headers: { authorization: s.authorization } });
      const seen = [(await call()).status, (await s.requests()).total, (await s.coverage()).covered];
      await s.reset();
      seen.push((await s.requests()).total, (await s.coverage()).covered);
      await s.clearRequests();
      seen.push((await s.requests()).total, (await s.coverage()).covered);
      await s.reset({ requests: true });
      seen.push((await s.coverage()).covered);
      console.log(JSON.stringify({ url: s.url, seen }));
      await s.close();`;
    const { stdout: helped } = await run(process.execPath, ['--input-type=module', '-e', helpers], { cwd: consumer });
    expect(JSON.parse(helped)).toEqual({ url: `http://127.0.0.1:${port}`, seen: [400, 1, 1, 1, 1, 0, 1, 0] });
    const types = readFileSync(join(consumer, 'node_modules', 'promotions-sandbox', 'dist', 'index.d.ts'), 'utf8');
    expect(types).toMatch(/clearRequests\(\): Promise<void>/);
    expect(types).toMatch(/coverage\(\): Promise<CoverageReport>/);
    expect(types).toMatch(/reset\(options\?: ResetOptions\): Promise<void>/);

    // The command is a bundle (npm run build): it serves the API, the docs page with its assets
    // (found in node_modules) and the YAML document, and stops cleanly.
    const exitCode = await serveInstalledCommand(consumer, async (url) => {
      // Bodies are read to the end: an answer left unread stays in flight, and the server's
      // graceful close would wait for it.
      const docs = await fetch(`${url}/docs/`);
      expect(docs.status).toBe(200);
      expect(docs.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(await docs.text()).toContain('swagger');
      const asset = await fetch(`${url}/docs/static/swagger-ui.css`);
      expect(asset.status).toBe(200);
      expect((await asset.text()).length).toBeGreaterThan(0);
      // The package carries the product's favicon (assets/) and depends on the Basic form's MD5 library.
      const favicon = await fetch(`${url}/docs/static/theme/favicon.svg`);
      expect(favicon.headers.get('content-type')).toBe('image/svg+xml');
      expect(await favicon.text()).toContain('<svg');
      const md5 = await fetch(`${url}/docs/static/theme/md5.min.js`);
      expect(await md5.text()).toMatch(/^\/\*! blueimp-md5 /);
      expect(await (await fetch(`${url}/openapi.yaml`)).text()).toMatch(/^openapi: 3\.1/m);
    });
    expect(exitCode).toBe(0);
  }, 240_000);
});
