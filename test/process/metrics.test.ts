import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REQUIRED_KEYS } from '../../src/contract/catalogue.js';
import { listeningUrl, startCli, stoppedAfterEach } from '../helpers/cli-process.js';
import { DEACTIVATE_PATH, theContract } from '../helpers/sandbox.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CANARY_BASIC = `Basic ${Buffer.from('canary-cli-till:canary-cli-password').toString('base64')}`;

describe('the command with --metrics', () => {
  const running = stoppedAfterEach();
  const start = async (args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> => {
    const sandbox = startCli(args, { HOST: '127.0.0.1', PORT: '0', ...env });
    running.push(sandbox);
    return listeningUrl(sandbox.output);
  };

  it('serves /metrics in the Prometheus text format, answers counted, no credential in it', async () => {
    const url = await start(['--metrics']);
    const called = await fetch(`${url}${DEACTIVATE_PATH}?customerId=1`, { method: 'POST', headers: { authorization: CANARY_BASIC } });
    expect(called.status).toBe(200);
    await called.text();
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const exposition = await response.text();
    for (const name of ['sandbox_answers_total', 'sandbox_answer_duration_seconds', 'sandbox_tenants', 'sandbox_store_ready', 'process_cpu_user_seconds_total', 'nodejs_heap_size_used_bytes']) {
      expect(exposition, name).toContain(`# TYPE ${name} `);
    }
    expect(exposition).toContain('sandbox_answers_total{operation="deactivatePromotionForCustomer",status="200",code="",scenario=""} 1\n');
    expect(exposition).toContain('sandbox_tenants 1\n');
    expect(exposition).not.toContain('canary');
    expect(exposition).not.toContain(CANARY_BASIC.slice('Basic '.length));
  });

  it('counts a connection a scenario drops with status 0, as the history does', async () => {
    const url = await start(['--metrics']);
    const dropped = fetch(`${url}${DEACTIVATE_PATH}`, { method: 'PUT', headers: { authorization: CANARY_BASIC, 'x-sandbox-scenario': 'connection-dropped' } });
    await expect(dropped).rejects.toThrow();
    const exposition = await (await fetch(`${url}/metrics`)).text();
    expect(exposition).toContain('sandbox_answers_total{operation="deactivatePromotionGlobally",status="0",code="",scenario="connection-dropped"} 1\n');
    // No answer, so no latency: the histogram counts answers only.
    expect(exposition).not.toContain('sandbox_answer_duration_seconds_count{operation="deactivatePromotionGlobally"}');
  });

  it('SANDBOX_METRICS=true turns them on too', async () => {
    const url = await start([], { SANDBOX_METRICS: 'true' });
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('# TYPE sandbox_answers_total counter');
  });

  it('loads prom-client only when on (the cold start does not pay for it)', () => {
    const built = (file: string) => JSON.stringify(join(ROOT, 'dist', file));
    const script = `
      import { createRequire } from 'node:module';
      const { buildApp } = await import(${built('app.js')});
      const { configWith } = await import(${built('config.js')});
      const cache = createRequire(import.meta.url).cache;
      const loaded = () => Object.keys(cache).some((path) => path.includes('/node_modules/prom-client/'));
      await (await buildApp(configWith({ logLevel: 'silent' }))).close();
      const before = loaded();
      await (await buildApp(configWith({ logLevel: 'silent', metrics: true }))).close();
      process.stdout.write(JSON.stringify({ off: before, on: loaded() }));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ off: false, on: true });
  });

  it('without it, /metrics is the contract\'s 404', async () => {
    const url = await start([]);
    const routeNotFound = (await theContract()).catalogue.get(REQUIRED_KEYS.routeNotFound);
    const response = await fetch(`${url}/metrics`);
    expect([response.status, await response.json()]).toEqual([
      routeNotFound.httpStatus,
      { data: null, errors: [{ code: routeNotFound.code, message: `${routeNotFound.message} Got GET /metrics; the contract is at /openapi.json.` }] },
    ]);
  });
});
