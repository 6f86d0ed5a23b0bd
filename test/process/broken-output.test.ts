import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listeningUrl, startCli, stoppedAfterEach } from '../helpers/cli-process.js';
import { running, startOrphaned } from '../helpers/orphan-process.js';
import { DOCS_BASIC } from '../helpers/sandbox.js';

const LOCAL = ['--host', '127.0.0.1', '--port', '0'];
/** The sandbox's grace period for answers in flight (src/server.ts): SIGTERM exits within it. */
const GRACE_MS = 10_000;

describe('a closed stdout or stderr never wedges the sandbox', () => {
  const orphans: number[] = [];
  afterEach(() => {
    // Only a sandbox that did not stop on SIGTERM is left here: SIGKILL is the one thing it hears.
    for (const pid of orphans.splice(0)) if (running(pid)) process.kill(pid, 'SIGKILL');
  });
  const sandboxes = stoppedAfterEach();

  it('its starter gone before it listens: it serves, and SIGTERM stops it at once', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'orphan-')), 'sandbox.address');
    // --log-level debug: a line per call, each to the closed stdout.
    const pid = await startOrphaned([...LOCAL, '--address-file', file, '--log-level', 'debug']);
    orphans.push(pid);
    await expect.poll(() => existsSync(file), { timeout: 15_000 }).toBe(true);
    const url = readFileSync(file, 'utf8').trim();
    for (let call = 0; call < 3; call += 1) expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const deactivation = await fetch(`${url}/api_gateway/v1/promotions/68fb1e6831d91c625a8d9ef4/deactivate`, { method: 'PUT', headers: { authorization: DOCS_BASIC } });
    expect(deactivation.status).toBe(200);

    const stoppedAt = performance.now();
    process.kill(pid, 'SIGTERM');
    await expect.poll(() => running(pid), { timeout: GRACE_MS }).toBe(false);
    // Nothing was in flight: the stop takes milliseconds, not the grace period.
    expect(performance.now() - stoppedAt).toBeLessThan(3_000);
    expect(existsSync(file)).toBe(false);
  }, 40_000);

  it('its output closed while it serves: it keeps serving, and SIGTERM ends it with exit 0', async () => {
    const sandbox = startCli([...LOCAL, '--log-level', 'debug']);
    sandboxes.push(sandbox);
    const url = await listeningUrl(sandbox.output);
    sandbox.child.stdout?.destroy();
    sandbox.child.stderr?.destroy();
    for (let call = 0; call < 20; call += 1) {
      const answer = await fetch(`${url}/api_gateway/v1/promotions/68fb1e6831d91c625a8d9ef4/deactivate?customerId=${call + 1}`, { method: 'POST', headers: { authorization: DOCS_BASIC } });
      expect(answer.status).toBe(200);
    }
    const stoppedAt = performance.now();
    sandbox.child.kill('SIGTERM');
    expect((await sandbox.finished).code).toBe(0);
    expect(performance.now() - stoppedAt).toBeLessThan(3_000);
  }, 40_000);
});
