import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// recipe:start
import { GenericContainer, type StartedTestContainer, Wait } from 'testcontainers';
import { afterAll, beforeAll, expect, it } from 'vitest';
// recipe:end
import { inject } from 'vitest';
import { answering, describeWith } from '../helpers/components.js';
import { BASE_IMAGE_INSTALL, docker, haveDockerEngine } from '../helpers/docker.js';
import { vipOpenCart } from '../helpers/own-scenario.js';

// The Testcontainers recipe of docs/ci.md, run as printed: the lines between the `recipe` markers
// (its imports, then its hooks and tests) are that doc's code block: `npm run docs:readme`
// copies them there, and test/process/readme.test.ts fails when the two differ. Around them,
// this file sets up what a user has: the image built (once, by test/docker/build-image.ts), and
// a project folder holding my-scenarios/vip-open-cart.yaml.

// Testcontainers starts Ryuk, a reaper container that removes what a test run leaves behind,
// from the image testcontainers/ryuk on Docker Hub, which this machine cannot reach. Without it
// the recipe's afterAll stops its container (and testcontainers removes it on stop).
process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';

/** Built once for every file by test/docker/build-image.ts. */
const IMAGE = inject('sandboxImage');

describeWith(answering('a Docker engine', haveDockerEngine(), BASE_IMAGE_INSTALL), 'the image through Testcontainers (the recipe of docs/ci.md)', () => {
  const cwd = process.cwd();
  let project = '';

  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), 'testcontainers-project-'));
    mkdirSync(join(project, 'my-scenarios'));
    writeFileSync(join(project, 'my-scenarios', 'vip-open-cart.yaml'), vipOpenCart());
    // The recipe names the image by SANDBOX_IMAGE, and its folder relative to the project.
    process.env.SANDBOX_IMAGE = IMAGE;
    process.chdir(project);
  });
  afterAll(() => {
    process.chdir(cwd);
    if (project) rmSync(project, { recursive: true, force: true });
  });

  // recipe:start
  let sandbox: StartedTestContainer;
  let baseUrl: string;
  const promotion = '/api_gateway/v1/promotions/68fb1e6831d91c625a8d9ef4/deactivate';
  const authorization = 'Basic Y2k6Y2k=';

  beforeAll(async () => {
    sandbox = await new GenericContainer(process.env.SANDBOX_IMAGE ?? 'promotions-sandbox')
      .withExposedPorts(4010)
      // Your scenario files, copied in before the start (works with a remote Docker engine too).
      .withCopyDirectoriesToContainer([{ source: 'my-scenarios', target: '/my-scenarios' }])
      .withEnvironment({ SANDBOX_SCENARIOS: '/my-scenarios', SANDBOX_LOG_LEVEL: 'warn' })
      .withCommand(['--rate-limit', '100000']) // flags, after the image's `node dist/cli.js`
      .withWaitStrategy(Wait.forHttp('/healthz', 4010))
      .withStartupTimeout(30_000) // inside the hook's 60 s, so a slow start fails with its reason
      .start();
    baseUrl = `http://${sandbox.getHost()}:${sandbox.getMappedPort(4010)}`;
  }, 60_000); // vitest's hooks get 10 s by default
  afterAll(() => sandbox?.stop());

  it('answers the open-cart error when the test asks for it', async () => {
    const response = await fetch(`${baseUrl}${promotion}?customerId=1`, {
      method: 'POST',
      headers: { authorization, 'x-sandbox-scenario': 'open-cart' },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: { code: number }[] }).errors[0]?.code).toBe(737);
  });

  it('answers 737 for the magic customer of my own scenario, vip-open-cart', async () => {
    const response = await fetch(`${baseUrl}${promotion}?customerId=555000111`, { method: 'POST', headers: { authorization } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: { code: number }[] }).errors[0]?.code).toBe(737);
  });
  // recipe:end

  it('ran the image this run built, with the flags and the folder the recipe gave', async () => {
    const [inspected] = JSON.parse(await docker('inspect', sandbox.getId())) as { Config: { Image: string; Cmd: string[]; Env: string[] } }[];
    expect(inspected?.Config.Image).toBe(IMAGE);
    expect(inspected?.Config.Cmd).toEqual(['--rate-limit', '100000']);
    expect(inspected?.Config.Env).toContain('SANDBOX_SCENARIOS=/my-scenarios');
    const scenarios = (await (await fetch(`${baseUrl}/__sandbox/scenarios`, { headers: { authorization } })).json()) as { data: { name: string; source: string }[] };
    expect(scenarios.data.find((scenario) => scenario.name === 'vip-open-cart')?.source).toBe('own');
  });
});
