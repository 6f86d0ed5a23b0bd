import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, inject, it } from 'vitest';
import { answering, describeWith, installed, runs } from '../helpers/components.js';
import { BASE_IMAGE_INSTALL, docker, haveDockerEngine, NODE_IMAGE, NODE_MAJOR, run, waitForHealthz } from '../helpers/docker.js';
import { freePort } from '../helpers/redis.js';
import { VENDOR_PAGES, curlExample, filledIn, readPage } from '../helpers/vendor-pages.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Built once for every file by test/docker/build-image.ts. */
const IMAGE = inject('sandboxImage');
const KEY = { authorization: 'Basic ZG9ja2VyOnRlc3Q=' };

describeWith(answering('a Docker engine', haveDockerEngine(), BASE_IMAGE_INSTALL), 'the Docker image', () => {
  const containers: string[] = [];
  /** `docker run -d`: `args` before the image (mounts), `flags` after it (the sandbox's own). */
  const start = async (args: string[] = [], env: Record<string, string> = {}, { flags = [] as string[], containerPort = 4010 } = {}) => {
    const port = await freePort();
    const envArgs = Object.entries(env).flatMap(([name, value]) => ['-e', `${name}=${value}`]);
    const since = performance.now();
    const id = await docker('run', '-d', '--health-interval', '1s', '-p', `127.0.0.1:${port}:${containerPort}`, ...envArgs, ...args, IMAGE, ...flags);
    containers.push(id);
    const origin = `http://127.0.0.1:${port}`;
    await waitForHealthz(origin, since);
    return { id, origin };
  };

  afterAll(async () => {
    if (containers.length > 0) await docker('rm', '-f', ...containers).catch(() => '');
  });

  it('answers the docs\' curl examples, pasted as printed, with 200 {"data": true, "errors": []}', async () => {
    const { origin } = await start();
    for (const { file } of VENDOR_PAGES) {
      const example = curlExample(readPage(file));
      const args = ['--silent', '--location', '--request', example.method, filledIn(example.url, origin, '68fb1e6831d91c625a8d9ef4')];
      for (const header of example.headers) args.push('--header', header);
      if (example.data !== undefined) args.push('--data', example.data);
      args.push('--write-out', '\n%{http_code}');
      const { stdout } = await run('curl', args);
      const [body, status] = stdout.split('\n');
      expect(status, file).toBe('200');
      expect(JSON.parse(body ?? '')).toEqual({ data: true, errors: [] });
    }
  });

  it('forces a documented error by header, runs as the unprivileged node user, and reports healthy', async () => {
    const { id, origin } = await start();
    const response = await fetch(`${origin}/api_gateway/v1/promotions/68fb1e6831d91c625a8d9ef4/deactivate?customerId=1`, {
      method: 'POST',
      headers: { ...KEY, 'x-sandbox-scenario': 'open-cart' },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: { code: number }[] }).errors[0]?.code).toBe(737);
    expect(response.headers.get('x-sandbox-scenario')).toBe('open-cart');
    expect(await docker('exec', id, 'id', '-u')).toBe('1000');
    await expect.poll(() => docker('inspect', '-f', '{{.State.Health.Status}}', id), { timeout: 15_000, interval: 500 }).toBe('healthy');
  });

  it.each([
    ['PORT', { PORT: '5000' }, []],
    ['SANDBOX_PORT', { SANDBOX_PORT: '5001' }, []],
    ['--port appended to docker run', {}, ['--port', '5002']],
  ] as const)('reports healthy on the port set by %s (the health check asks the port the sandbox listens on)', async (_way, env, flags) => {
    const containerPort = Number(Object.values(env)[0] ?? flags[1]);
    const { id } = await start([], env, { flags: [...flags], containerPort });
    await expect.poll(() => docker('inspect', '-f', '{{.State.Health.Status}}', id), { timeout: 15_000, interval: 500 }).toBe('healthy');
  });

  it('serves a mounted scenario folder given by SANDBOX_SCENARIOS beside the shipped scenarios', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'mounted-'));
    writeFileSync(
      join(folder, 'vip-open-cart.yaml'),
      "# yaml-language-server: $schema=./scenario.schema.json\nname: vip-open-cart\ndescription: Our VIP customer has a cart waiting.\noperations: [deactivatePromotionForCustomer]\ncode: 737\nworld:\n  customers:\n    - id: 555000111\n      pendingCart: { evaluationId: e1 }\nmagic:\n  customerId: 555000111\n",
    );
    chmodSync(folder, 0o755);
    const { origin } = await start(['-v', `${folder}:/scenarios:ro`], { SANDBOX_SCENARIOS: '/scenarios' });
    const names = ((await (await fetch(`${origin}/__sandbox/scenarios`, { headers: KEY })).json()) as { data: { name: string }[] }).data.map((s) => s.name);
    expect(names).toContain('vip-open-cart');
    const magic = await fetch(`${origin}/api_gateway/v1/promotions/68fb1e6831d91c625a8d9ef4/deactivate?customerId=555000111`, { method: 'POST', headers: KEY });
    expect(((await magic.json()) as { errors: { code: number }[] }).errors[0]?.code).toBe(737);
    const shipped = await fetch(`${origin}/api_gateway/v1/promotions/68fb1e6831d91c625a8d9ef4/deactivate?customerId=1`, { method: 'POST', headers: { ...KEY, 'x-sandbox-scenario': 'open-cart' } });
    expect(((await shipped.json()) as { errors: { code: number }[] }).errors[0]?.code).toBe(737);
  });

  it(`runs on the Node line of its base image, ${NODE_IMAGE}`, async () => {
    const { stdout } = await run('docker', ['run', '--rm', '--entrypoint', 'node', IMAGE, '--version']);
    expect(stdout.trim()).toMatch(new RegExp(`^v${NODE_MAJOR}\\.`));
  });

  it('takes flags appended to docker run', async () => {
    const help = await docker('run', '--rm', IMAGE, '--help');
    expect(help).toContain('Usage: promotions-sandbox');
    const { stdout } = await run('docker', ['run', '--rm', IMAGE, 'validate']);
    expect(stdout).toMatch(/scenarios in \/app\/scenarios\/?: all valid/);
  });

  it('stops cleanly on docker stop: exit code 0 within two seconds', async () => {
    const { id } = await start();
    const since = performance.now();
    await docker('stop', '-t', '10', id);
    expect(performance.now() - since).toBeLessThan(2_000);
    expect(await docker('inspect', '-f', '{{.State.ExitCode}}', id)).toBe('0');
  });
});

describeWith(installed('docker-compose', runs('docker-compose', ['version']), 'apt-get install docker-compose'), 'docker-compose.yml', () => {
  it('is a valid compose file: two sandbox replicas on Redis behind one proxy', async () => {
    const { stdout } = await run('docker-compose', ['-f', join(ROOT, 'docker-compose.yml'), 'config'], {
      env: { ...process.env, SANDBOX_ADMIN_TOKEN: 'operator-token-0123456789abcdefghij' },
    });
    expect(stdout).toMatch(/replicas: 2/);
    expect(stdout).toContain('SANDBOX_REDIS_URL: redis://redis:6379');
    expect(stdout).toMatch(/published: 4010|4010:80/);
    expect(stdout).toContain(`${join(ROOT, 'deploy', 'accounts.example.yaml')}:/config/accounts.yaml:ro`);
  });

  it("mounts a partners' accounts file named by SANDBOX_ACCOUNTS_FILE instead of the example", async () => {
    const { stdout } = await run('docker-compose', ['-f', join(ROOT, 'docker-compose.yml'), 'config'], {
      cwd: ROOT,
      env: { ...process.env, SANDBOX_ACCOUNTS_FILE: './test/fixtures/accounts.yaml' },
    });
    expect(stdout).toContain(`${join(ROOT, 'test', 'fixtures', 'accounts.yaml')}:/config/accounts.yaml:ro`);
    expect(stdout).not.toContain('accounts.example.yaml');
  });
});
