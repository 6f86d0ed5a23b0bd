import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PATH } from '../../bench/load.js';
import { listeningUrl, startCli, stoppedAfterEach } from '../helpers/cli-process.js';

// What a start of the built command loads before it serves (docs/performance.md, "What a start
// does before listening"): none of the libraries that only the docs page or the Redis store
// need. They load on first use, and that use works the first time.

/** Libraries a start without --redis must not load: Swagger UI and what it brings, the YAML library, ioredis. */
const DEFERRED = ['@fastify/swagger', '@fastify/swagger-ui', '@fastify/static', 'yaml', 'ioredis'];

const folder = mkdtempSync(join(tmpdir(), 'start-loads-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
// Preloaded into the command (NODE_OPTIONS=--require): at exit, it writes the CommonJS modules the
// process loaded. Every library the bundle leaves out is CommonJS, loaded through require.
const PRELOAD = join(folder, 'loaded-modules.cjs');
writeFileSync(PRELOAD, "process.on('exit', () => require('node:fs').writeFileSync(process.env.LOADED_MODULES_FILE, Object.keys(require.cache).join('\\n')));\n");
const running = stoppedAfterEach();

/** Starts the command, runs `use` against it, stops it: the libraries of DEFERRED it had loaded by then. */
async function loadedAfter(name: string, use: (url: string) => Promise<void>): Promise<string[]> {
  const file = join(folder, `${name}.txt`);
  const sandbox = startCli(['--host', '127.0.0.1', '--port', '0'], { NODE_OPTIONS: `--require ${PRELOAD}`, LOADED_MODULES_FILE: file });
  running.push(sandbox);
  await use(await listeningUrl(sandbox.output));
  sandbox.child.kill('SIGTERM');
  expect((await sandbox.finished).code).toBe(0);
  const modules = readFileSync(file, 'utf8').split('\n');
  return DEFERRED.filter((library) => modules.some((path) => path.includes(`/node_modules/${library}/`)));
}

describe('a start of the built command', () => {
  it('answers a vendor call without loading Swagger UI, the YAML library or ioredis', async () => {
    const loaded = await loadedAfter('call', async (url) => {
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const call = await fetch(`${url}${PATH}?customerId=1`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from('qa:x').toString('base64')}` } });
      expect(call.status).toBe(200);
    });
    expect(loaded).toEqual([]);
  });

  it('serves the docs page, its assets and its YAML on their first request, loading them then', async () => {
    const loaded = await loadedAfter('docs', async (url) => {
      const page = await fetch(`${url}/docs`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(await page.text()).toContain('swagger-initializer.js');
      const asset = await fetch(`${url}/docs/static/swagger-ui-bundle.js`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toContain('javascript');
      expect((await asset.arrayBuffer()).byteLength).toBe(Number(asset.headers.get('content-length')));
      expect((await fetch(`${url}/openapi.yaml`)).status).toBe(200);
    });
    expect(loaded).toEqual(['@fastify/swagger', '@fastify/swagger-ui', '@fastify/static', 'yaml']);
  });
});
